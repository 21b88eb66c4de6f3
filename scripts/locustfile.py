"""The load test's users: Agency Managers and agents of the largest agency doing a day's work, and consumers
using Find Local Help. Started by scripts/loadtest.sh; reads the sign-ins from LOADTEST_PEOPLE (a JSON file
written by `manage.py loadtest_prepare`).

The portal runs with production settings behind what it believes is a TLS proxy (X-Forwarded-Proto), so its
cookies are Secure; they are carried by hand here because the test talks plain HTTP on loopback."""

import csv
import hashlib
import hmac
import itertools
import json
import os
import random
import struct
import time

from locust import HttpUser, between, events, task

with open(os.environ["LOADTEST_PEOPLE"]) as people_file:
    PEOPLE = json.load(people_file)["people"]
TAKE = itertools.cycle(range(len(PEOPLE)))

# Every request's time, for percentiles over page views alone (locust's own are per name or over everything):
# a page view is a GET of a page; signing in (the POSTs, Argon2 on purpose) and downloads are actions.
RECORD = open(os.environ["LOADTEST_REQUESTS"], "w", newline="") if os.environ.get("LOADTEST_REQUESTS") else None  # noqa: SIM115
WRITER = csv.writer(RECORD) if RECORD is not None else None


@events.request.add_listener
def record(request_type, name, response_time, response=None, exception=None, **_kwargs):
    if WRITER is not None:
        kind = "action" if request_type != "GET" or name.startswith("/book/export") else "page"
        status = getattr(response, "status_code", 0) or 0
        WRITER.writerow([kind, request_type, name, f"{response_time:.1f}", status, int(exception is not None),
                         f"{time.time():.3f}"])  # fmt: skip


@events.quitting.add_listener
def close_record(**_kwargs):
    if RECORD is not None:
        RECORD.close()


ZIP_CODES = ["95814", "90012", "94103", "92101", "93721", "95616", "90802", "92501"]
SORTS = ["name", "-net", "due", "premium", "agent", "-delegated", "county"]


def totp(key_hex: str, at: float | None = None) -> str:
    counter = int((at or time.time()) // 30)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


class Browser:
    """Cookies and headers as a browser behind TLS would send them."""

    def __init__(self, user):
        # Each person comes from an address of their own, as behind the real proxy (TRUSTED_PROXY_COUNT=1):
        # otherwise the per-address sign-in limit would see one client signing in 40 times a minute.
        self.user, self.cookies = user, {}
        self.address = f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"

    def go(self, method, path, name=None, **kwargs):
        headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": self.address,
                   "Referer": f"https://{self.user.host_name}{path}",
                   "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}  # fmt: skip
        if method == "POST":
            headers["Origin"] = f"https://{self.user.host_name}"
        self.user.client.cookies.clear()
        response = self.user.client.request(method, path, name=name or path, headers=headers, allow_redirects=False,
                                            **kwargs)  # fmt: skip
        for cookie in response.cookies:
            self.cookies[cookie.name] = cookie.value
        return response

    def csrf(self):
        return self.cookies.get("__Host-csrftoken") or self.cookies.get("csrftoken", "")


class PortalUser(HttpUser):
    wait_time = between(1, 3)
    weight = 4

    def on_start(self):
        self.host_name = self.host.split("://", 1)[1]
        self.person = PEOPLE[next(TAKE)]
        self.browser = Browser(self)
        self.sign_in()

    def sign_in(self):
        b = self.browser
        b.go("GET", "/accounts/login/", name="sign-in page")
        b.go("POST", "/accounts/login/", name="sign-in", data={
            "login": self.person["email"], "password": self.person["password"], "csrfmiddlewaretoken": b.csrf()})  # fmt: skip
        b.go("GET", "/security/two-factor/verify/", name="second factor page")
        b.go("POST", "/security/two-factor/verify/", name="second factor", data={
            "code": totp(self.person["key"]), "csrfmiddlewaretoken": b.csrf(), "next": "/"})  # fmt: skip

    @task(6)
    def book(self):
        params = f"?sort={random.choice(SORTS)}&page={random.randint(1, 40)}"
        self.browser.go("GET", "/book/" + params, name="/book/ (sorted, paged)")

    @task(3)
    def book_filtered(self):
        choice = random.choice(["due_within=14", "metal_tier=silver", "renewal_status=not_started",
                                "language=es", "q=" + random.choice(["garcia", "smith", "nguyen", "lee"])])  # fmt: skip
        self.browser.go("GET", "/book/?" + choice, name="/book/ (filtered or searched)")

    @task(5)
    def case(self):
        if self.person["cases"]:
            self.browser.go("GET", f"/cases/{random.choice(self.person['cases'])}/", name="/cases/[id]/")

    @task(2)
    def home(self):
        self.browser.go("GET", "/agency/" if self.person["role"] == "manager" else "/delegations/mine/", name="home")

    @task(2)
    def roster(self):
        if self.person["role"] == "manager":
            self.browser.go(
                "GET", f"/agency/agents/?sort={random.choice(['name', '-consumers'])}", name="/agency/agents/"
            )

    @task(1)
    def export(self):
        if not self.person.get("may_export", True):
            return  # an agent not certified has no export button (and is refused one: 403)
        mine = "?mine=1" if self.person["role"] == "manager" else ""
        response = self.browser.go("GET", "/book/export/csv/" + mine, name="/book/export/csv/ (own book)", stream=True)
        for _chunk in response.iter_content(65536):
            pass


class Consumer(HttpUser):
    wait_time = between(2, 5)
    weight = 1

    @task
    def find_local_help(self):
        self.client.get(f"/find-local-help/?zip_code={random.choice(ZIP_CODES)}&miles=25",
                        headers={"X-Forwarded-Proto": "https"}, name="/find-local-help/")  # fmt: skip
