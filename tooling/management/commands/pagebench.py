"""python manage.py pagebench — pages at saturation: requests per second and latency under wrk, beside two floors
measured in the same run (tooling/pagebench/floor: a bare Django view, and a 50-row table through the session and
authentication middleware). Writes its own section of BENCHMARKS.md.

Run through `make pagebench` (or `make bench`), which keeps a PostgreSQL with the benchmark's 1,000,000 cases and
starts Redis. The portal runs under gunicorn with production settings (DEBUG off, sessions and the person's facts
in Redis, the static files' hashed names), as many sync workers as cores; wrk comes from Debian.
"""

import datetime
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Q

from agencies.models import Agency, Membership
from consumers.models import ConsumerCase

from .bench import _replace_section

ROOT = Path(settings.BASE_DIR)
HEADING = "## Pages at saturation (make pagebench)"
FLOOR = "a 50-row table template, session and auth middleware, no database (floor)"
BARE = "a bare Django view (floor)"


class Command(BaseCommand):
    help = "Measure pages' throughput at saturation with wrk, beside floors measured in the same run."

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=int, default=10, help="wrk's run for each page")
        parser.add_argument("--connections", type=int, default=8)
        parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn sync workers")
        parser.add_argument("--port", type=int, default=8818)
        parser.add_argument("--output", default=str(ROOT / "BENCHMARKS.md"))
        parser.add_argument("--only", default="", help="measure only the pages whose label contains this")

    def handle(self, *args, **options):
        if not shutil.which("wrk"):
            raise CommandError("wrk is not installed: make system-packages installs it (Debian's wrk).")
        if not ConsumerCase.objects.exists():
            call_command("seed_demo", agencies=2000, agents=20000, consumers=1_000_000, seed=2026, stdout=self.stdout)
        self.options = options
        agency = (
            Agency.objects.annotate(n=Count("delegations", filter=Q(delegations__status="active")))
            .order_by("-n")
            .first()
        )
        manager = Membership.objects.filter(agency=agency, role="manager", status="active").select_related("user")
        manager = manager.first().user
        case = ConsumerCase.objects.filter(delegations__agency=agency, delegations__status="active").first()
        env = self.production_env()
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env,
                       check=True)  # fmt: skip
        cookie = self.session_cookie(env, manager.pk)
        signed_in = [f"Cookie: {cookie}"]
        pages = [
            ("`/help/` signed in: a static page, the tax every request pays", "/help/", signed_in),
            ("`/help/` anonymous", "/help/", []),
            ("a case page", f"/cases/{case.pk}/", signed_in),
            ("Book of Business page 1, largest agency", "/book/", signed_in),
            ("Book of Business sorted by net premium, page 30", "/book/?sort=-net&page=30", signed_in),
            ("Find Local Help, 90012 within 25 miles", "/find-local-help/?zip_code=90012&miles=25", []),
            ("the agency home", "/agency/", signed_in),
            ("Today", "/today/", signed_in),
            ("the request queue", "/agency/delegations/", signed_in),
        ]
        if options["only"]:
            pages = [page for page in pages if options["only"] in page[0]]
        floors = self.measure_floors()
        results = []
        with self.gunicorn("config.wsgi:application", env) as base:
            for label, path, headers in pages:
                result = self.wrk(base + path, headers)
                results.append((label, path, result))
                self.say(f"{label}: {result['rps']:,.0f} requests/s, p50 {result['p50']:.1f} ms, "
                         f"p99 {result['p99']:.1f} ms")  # fmt: skip
        lines = self.report(agency, floors, results)
        _replace_section(Path(options["output"]), HEADING, lines)
        self.say(f"Wrote the section '{HEADING}' of {options['output']}")

    def say(self, text):
        self.stdout.write(text)

    # -- the servers ----------------------------------------------------------------------------------------

    def production_env(self) -> dict:
        return {
            **os.environ, "DEBUG": "false", "SECRET_KEY": os.environ.get("PAGEBENCH_SECRET_KEY", os.urandom(24).hex()),
            "ALLOWED_HOSTS": "127.0.0.1", "TRUSTED_PROXY_COUNT": "1", "DB_CONN_MAX_AGE": "60",
            "PRIVATE_STORAGE_ROOT": str(ROOT / "var" / "pagebench" / "private"),
        }  # fmt: skip

    def session_cookie(self, env: dict, user_id: int) -> str:
        """A signed-in, second-factor-verified session for `user_id`, made by the portal's own settings (so the
        cookie has production's name), as `name=value`."""
        code = (
            "import django,os,time; os.environ.setdefault('DJANGO_SETTINGS_MODULE','config.settings'); django.setup()\n"
            "from django.conf import settings; from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY,"
            " SESSION_KEY; from importlib import import_module; from django_otp import DEVICE_ID_SESSION_KEY\n"
            "from django_otp.plugins.otp_totp.models import TOTPDevice; from portal.models import User\n"
            f"user = User.objects.get(pk={user_id})\n"
            "device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create("
            "user=user, name='pagebench', confirmed=True)\n"
            "s = import_module(settings.SESSION_ENGINE).SessionStore()\n"
            "s.update({SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0],"
            " HASH_SESSION_KEY: user.get_session_auth_hash(), DEVICE_ID_SESSION_KEY: device.persistent_id,"
            " 'signed_in_at': time.time(), 'last_activity': time.time()})\n"
            "s.save(); print(f'{settings.SESSION_COOKIE_NAME}={s.session_key}')\n"
        )
        result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True,  # noqa: S603 - our code
                                capture_output=True, text=True)  # fmt: skip
        return result.stdout.strip().splitlines()[-1]

    def gunicorn(self, application: str, env: dict):
        return _Gunicorn(application, env, port=self.options["port"], workers=self.options["workers"])

    def measure_floors(self) -> dict:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tooling.pagebench.floor.settings"}
        out = {}
        with self.gunicorn("tooling.pagebench.floor.wsgi:application", env) as base:
            for label, path in ((BARE, "/bare/"), (FLOOR, "/table/")):
                out[label] = self.wrk(base + path, [])
                self.say(f"{label}: {out[label]['rps']:,.0f} requests/s")
        return out

    def wrk(self, url: str, headers: list[str]) -> dict:
        """wrk at saturation on `url`: a warm-up of 3 seconds first (templates compiled, buffers filled), then the
        measured run. Every answer must be a 200."""
        args = [a for header in ["X-Forwarded-Proto: https", *headers] for a in ("-H", header)]
        status = _status(url, headers)
        if status != 200:
            raise CommandError(f"{url} answered {status}, not 200")
        wrk = shutil.which("wrk")
        subprocess.run([wrk, "-t2", "-c4", "-d3s", *args, url], check=True, capture_output=True)  # noqa: S603
        run = subprocess.run(  # noqa: S603 - Debian's wrk on our own loopback server
            [wrk, "-t2", f"-c{self.options['connections']}", f"-d{self.options['seconds']}s", "--timeout", "30s", "--latency", *args,
             url], check=True, capture_output=True, text=True,
        )  # fmt: skip
        return _parse_wrk(run.stdout)

    # -- the report -----------------------------------------------------------------------------------------

    def report(self, agency, floors, results) -> list[str]:
        floor = floors[FLOOR]["rps"]
        lines = [
            f"Measured by `make pagebench` on {datetime.date.today().isoformat()}, {platform.machine()}, "
            f"{os.cpu_count()} cores: gunicorn with {self.options['workers']} sync workers and production settings, "
            f"wrk with {self.options['connections']} connections for {self.options['seconds']} s a page after a "
            f"3 s warm-up, PostgreSQL and Redis on the same cores; {ConsumerCase.objects.count():,} cases, the "
            f"largest agency ({agency.n:,} active delegations) as its Agency Manager, signed in with the second "
            "factor. The floors are a minimal Django project (tooling/pagebench/floor) on the same server, run "
            "just before.",
            "",
            "| page | requests/s | p50 ms | p99 ms | × the 50-row-table floor |",
            "|---|---|---|---|---|",
        ]
        for label in (BARE, FLOOR):
            r = floors[label]
            lines.append(f"| {label} | {r['rps']:,.0f} | {r['p50']:.1f} | {r['p99']:.1f} | "
                         f"{r['rps'] / floor:.2f} |")  # fmt: skip
        for label, _path, r in results:
            lines.append(f"| {label} | {r['rps']:,.0f} | {r['p50']:.1f} | {r['p99']:.1f} | {r['rps'] / floor:.2f} |")
        targets = {
            "`/help/` signed in": 1.5, "a case page": 0.6, "Book of Business page 1": 0.5, "Find Local Help": 0.5,
            "the agency home": 0.5, "Book of Business sorted": 0.25,
        }  # fmt: skip
        lines += ["", "| target | measured | met |", "|---|---|---|"]
        for start, target in targets.items():
            for label, _path, r in results:
                if label.startswith(start):
                    ratio = r["rps"] / floor
                    lines.append(f"| {label}: ≥ {target}× the floor | {ratio:.2f}× | "
                                 f"{'yes' if ratio >= target else '**no**'} |")  # fmt: skip
        return lines


class _Gunicorn:
    """gunicorn serving `application` on loopback for the length of a `with`."""

    def __init__(self, application, env, *, port, workers):
        self.application, self.env, self.port, self.workers = application, env, port, workers

    def __enter__(self) -> str:
        log = ROOT / "var" / "pagebench"
        log.mkdir(parents=True, exist_ok=True)
        self.log = open(log / "server.log", "a")  # noqa: SIM115 - closed on exit; the audit log's lines go there
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter's gunicorn and arguments
            [str(Path(sys.executable).parent / "gunicorn"), self.application, "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(self.workers), "--access-logfile", "/dev/null",
             "--error-logfile", str(log / "gunicorn.log")],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if self.process.poll() is not None:
                    raise CommandError(f"gunicorn did not start; see {log / 'gunicorn.log'}") from None
                time.sleep(0.2)
        return base

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(30)
        self.log.close()


def _status(url: str, headers: list[str]) -> int:
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https",  # noqa: S310 - loopback only
                                                   **dict(h.split(": ", 1) for h in headers)})  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _parse_wrk(text: str) -> dict:
    """Requests/s and the 50th and 99th percentiles (ms) from wrk's --latency output; refuses errors."""
    if "Non-2xx or 3xx responses" in text or "Socket errors" in text:
        raise CommandError(f"wrk saw errors:\n{text}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))

    def percentile(p):
        value, unit = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return {"rps": rps, "p50": percentile(50), "p99": percentile(99)}
