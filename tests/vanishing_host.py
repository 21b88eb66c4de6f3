"""A server on a host that can vanish: `a_host_in_front_of(port)` puts a TCP forwarder to 127.0.0.1:`port` on an
address of its own, in a network namespace of its own reached over a veth pair, and `vanish()` takes that host's
link down. From then on nothing sent to it is answered or even acknowledged, as when a machine is lost or the
network is cut (a stopped server, by contrast, refuses at once). Needs root (`ip netns`), as CI and the cluster
rehearsal run."""

import contextlib
import os
import subprocess
import sys
import time

FORWARDER = r"""
import ctypes, os, socket, sys, threading
listen_ns, address, port, upstream = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000
home = os.open("/proc/self/ns/net", os.O_RDONLY)
there = os.open(f"/var/run/netns/{listen_ns}", os.O_RDONLY)
assert libc.setns(there, CLONE_NEWNET) == 0, ctypes.get_errno()
server = socket.create_server((address, port))  # a socket keeps the namespace it was made in
assert libc.setns(home, CLONE_NEWNET) == 0, ctypes.get_errno()

def pipe(source, sink):
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    for end in (source, sink):
        try:
            end.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

print("ready", flush=True)
while True:
    client, _ = server.accept()
    backend = socket.create_connection(("127.0.0.1", upstream))
    threading.Thread(target=pipe, args=(client, backend), daemon=True).start()
    threading.Thread(target=pipe, args=(backend, client), daemon=True).start()
"""


def _ip(*args, netns=None):
    command = ["ip", *(["-n", netns] if netns else []), *args]
    subprocess.run(command, check=True, capture_output=True, timeout=30)


class Host:
    def __init__(self, netns, address, port, peer):
        self.netns, self.address, self.port, self.peer = netns, address, port, peer

    def vanish(self):
        """Its link goes down: packets to it are dropped, never refused."""
        _ip("link", "set", self.peer, "down", netns=self.netns)

    def come_back(self):
        _ip("link", "set", self.peer, "up", netns=self.netns)


@contextlib.contextmanager
def a_host_in_front_of(upstream_port: int):
    if os.geteuid() != 0:
        raise RuntimeError("a vanishing host needs root (ip netns), as CI has")
    tag = f"{os.getpid() % 10000}"
    netns, near, far = f"apvh{tag}", f"apvh{tag}a", f"apvh{tag}b"
    subnet = 16 + os.getpid() % 200
    here, there = f"10.199.{subnet}.1", f"10.199.{subnet}.2"
    forwarder = None
    for leftover in (["link", "del", near], ["netns", "del", netns]):  # of a run that was killed half-way
        with contextlib.suppress(subprocess.CalledProcessError):
            _ip(*leftover)
    try:
        _ip("netns", "add", netns)
        _ip("link", "add", near, "type", "veth", "peer", "name", far)
        _ip("link", "set", far, "netns", netns)
        _ip("addr", "add", f"{here}/30", "dev", near)
        _ip("link", "set", near, "up")
        _ip("addr", "add", f"{there}/30", "dev", far, netns=netns)
        _ip("link", "set", far, "up", netns=netns)
        _ip("link", "set", "lo", "up", netns=netns)
        _ip("route", "add", "default", "via", here, netns=netns)
        port = 15432
        forwarder = subprocess.Popen([sys.executable, "-c", FORWARDER, netns, there, str(port), str(upstream_port)],
                                     stdout=subprocess.PIPE, text=True)  # fmt: skip
        deadline = time.monotonic() + 10
        while forwarder.stdout.readline().strip() != "ready":
            if forwarder.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the forwarder did not start")
        yield Host(netns, there, port, far)
    finally:
        if forwarder is not None:
            forwarder.kill()
            forwarder.wait(timeout=10)
        with contextlib.suppress(subprocess.CalledProcessError):
            _ip("link", "del", near)
        with contextlib.suppress(subprocess.CalledProcessError):
            _ip("netns", "del", netns)
