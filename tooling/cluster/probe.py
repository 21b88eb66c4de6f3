"""The rehearsal's two watchers, each run until it is sent SIGTERM (plain Python, no Django):

python -m tooling.cluster.probe session PEOPLE.json URL OUT.csv
    One person of the load test's (the last of PEOPLE.json: the locust users take the first ones) signs in once
    with the password and the second factor, then asks for a signed-in page (/security/) every half second,
    forever, with the same session cookie. Each row: timestamp, status, the node that answered, where a redirect
    pointed, the error if the request failed. A session that did not survive shows as a redirect to the sign-in
    page (or a 401) after the fault; the person never signs in again.

python -m tooling.cluster.probe balancer STATS_URL OUT.csv
    The load balancer's own view every quarter second: timestamp, then each web node's status (UP, DOWN, ...).
"""

import csv
import hashlib
import hmac
import json
import signal
import struct
import sys
import time

import requests

PAGE = "/security/"
EVERY = 0.5
running = True


def _stop(*_args):
    global running
    running = False


def totp(key_hex: str, at: float | None = None) -> str:
    counter = int((at or time.time()) // 30)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


class Person:
    """A browser behind TLS, as the load test's: cookies by hand (they are Secure), its own forwarded address."""

    def __init__(self, base: str):
        self.base, self.host = base.rstrip("/"), base.split("://", 1)[1].rstrip("/")
        self.cookies: dict[str, str] = {}
        self.http = requests.Session()

    def go(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.254.254.254",
                   "Referer": f"https://{self.host}{path}", "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}  # fmt: skip
        if method == "POST":
            headers["Origin"] = f"https://{self.host}"
        self.http.cookies.clear()
        response = self.http.request(method, self.base + path, headers=headers, allow_redirects=False, timeout=30,
                                     **kwargs)  # fmt: skip
        for cookie in response.cookies:
            self.cookies[cookie.name] = cookie.value
        return response

    def csrf(self) -> str:
        return self.cookies.get("__Host-csrftoken") or self.cookies.get("csrftoken", "")

    def sign_in(self, person: dict) -> bool:
        self.go("GET", "/accounts/login/")
        self.go("POST", "/accounts/login/", data={"login": person["email"], "password": person["password"],
                                                  "csrfmiddlewaretoken": self.csrf()})  # fmt: skip
        self.go("GET", "/security/two-factor/verify/")
        self.go("POST", "/security/two-factor/verify/",
                data={"code": totp(person["key"]), "csrfmiddlewaretoken": self.csrf(), "next": "/"})  # fmt: skip
        return self.go("GET", PAGE).status_code == 200


def session(people_path: str, base: str, out_path: str) -> None:
    with open(people_path) as handle:
        person = json.load(handle)["people"][-1]
    browser = Person(base)
    for _attempt in range(10):
        if browser.sign_in(person):
            break
        time.sleep(31)  # a second factor's code is taken once: wait for the next one
    else:
        raise SystemExit("the probe could not sign in")
    with open(out_path, "w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["ts", "status", "node", "location", "error"])
        while running:
            started = time.time()
            try:
                response = browser.go("GET", PAGE)
                row = [response.status_code, response.headers.get("X-Cluster-Node", ""),
                       response.headers.get("Location", ""), ""]  # fmt: skip
            except requests.RequestException as error:
                row = [0, "", "", type(error).__name__]
            out.writerow([f"{time.time():.3f}", *row])
            handle.flush()
            time.sleep(max(0.0, EVERY - (time.time() - started)))


def balancer(stats_url: str, out_path: str) -> None:
    with open(out_path, "w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["ts", "web1", "web2"])
        while running:
            status = {}
            try:
                text = requests.get(stats_url + ";csv", timeout=2).text
                for line in csv.reader(text.splitlines()):
                    if len(line) > 17 and line[0] == "web" and line[1] in ("web1", "web2"):
                        status[line[1]] = line[17]
            except requests.RequestException:
                pass
            out.writerow([f"{time.time():.3f}", status.get("web1", "?"), status.get("web2", "?")])
            handle.flush()
            time.sleep(0.25)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    {"session": session, "balancer": balancer}[sys.argv[1]](*sys.argv[2:])
