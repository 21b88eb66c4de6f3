"""`make cluster-rehearsal` needs root and ten minutes; what can be checked without either is checked here: its
HAProxy configuration is one HAProxy accepts (both web nodes, health-checked, a lost node's requests sent to the
other), its script is valid bash, and its report reads the records it writes."""

import json
import shutil
import subprocess
from pathlib import Path

from tooling.cluster import report

ROOT = Path(__file__).resolve().parent.parent


def test_the_load_balancer_configuration_is_valid_and_sends_a_lost_nodes_requests_elsewhere():
    config = (ROOT / "scripts" / "cluster-haproxy.cfg").read_text()
    assert "server web1 10.77.0.11:8000 check" in config and "server web2 10.77.0.12:8000 check" in config
    assert "option redispatch" in config and "retry-on conn-failure" in config
    assert "disable-l7-retry if !METH_GET" in config, "a POST is never sent twice"
    haproxy = shutil.which("haproxy")  # make system-packages installs Debian's
    assert haproxy, "HAProxy checks the configuration: make system-packages installs it"
    checked = subprocess.run([haproxy, "-c", "-f", str(ROOT / "scripts" / "cluster-haproxy.cfg")],
                             capture_output=True, text=True)  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_rehearsal_script_is_valid_bash():
    bash = shutil.which("bash")
    checked = subprocess.run([bash, "-n", str(ROOT / "scripts" / "cluster-rehearsal.sh")], capture_output=True,
                             text=True)  # fmt: skip
    assert checked.returncode == 0, checked.stderr


def test_each_fault_is_charged_what_came_in_its_window(tmp_path):
    (tmp_path / "events.txt").write_text(
        "100.0 load.started\n110.0 web1.killed\n112.5 web1.in_rotation\n130.0 redis.stopped\n130.2 redis.started\n"
        "150.0 load.stopped\n"
    )
    (tmp_path / "requests.csv").write_text(
        'page,GET,"/book/ (sorted, paged)",50.0,200,0,105.0\n'
        'page,GET,"/book/ (sorted, paged)",50.0,0,1,110.2\n'  # cut when web1 died
        "page,GET,/cases/[id]/,50.0,503,1,111.0\n"  # the load balancer with no node
        "page,GET,/cases/[id]/,50.0,302,0,120.0\n"  # sent to sign in: a session lost
        "page,GET,/cases/[id]/,50.0,200,0,131.0\n"
    )
    (tmp_path / "responses.csv").write_text(
        '105.0,GET,"/book/ (sorted, paged)",200,web1,,0,0\n110.2,GET,"/book/ (sorted, paged)",0,,,1,0\n'
        "111.0,GET,/cases/[id]/,503,,,1,0\n120.0,GET,/cases/[id]/,302,web2,/accounts/login/?next=/cases/1/,0,0\n"
        "131.0,GET,/cases/[id]/,200,web2,,0,0\n"
    )
    events = report.read_events(tmp_path / "events.txt")
    requests = report.read_requests(tmp_path)
    web, redis = report.fault_windows(events, requests)
    assert (web["requests"], web["answered"], web["refused"], web["failed"], web["connection"]) == (3, 1, 1, 1, 1)
    assert web["service_back_s"] == 2.5 and web["last_unanswered_s"] == 1.0 and web["sign_in_redirects"] == 1
    assert (redis["requests"], redis["failed"], redis["last_unanswered_s"]) == (1, 0, None)
    assert report.tally(requests)["answered"] == 3
    json.dumps(web)  # the summary is written as JSON
