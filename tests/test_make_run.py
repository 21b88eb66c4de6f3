"""`make run` on another address: the links in the portal's e-mails and the hints it prints work as written."""

import io
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice

from .factories import ConsumerCaseFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent


def make_run_dry(**variables) -> str:
    arguments = [f"{name}={value}" for name, value in variables.items()]
    make = shutil.which("make")
    return subprocess.run([make, "-n", "run", *arguments], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def test_make_run_on_another_host_and_port_serves_there_and_links_there():
    commands = make_run_dry(HOST="10.1.2.3", PORT="8123")
    assert "runserver 10.1.2.3:8123" in commands
    assert 'PORTAL_BASE_URL="${PORTAL_BASE_URL:-http://10.1.2.3:8123}"' in commands
    assert "10.1.2.3" in re.search(r'ALLOWED_HOSTS="\$\{ALLOWED_HOSTS:-([^}]*)\}"', commands).group(1).split(",")


def test_make_run_on_every_address_links_to_the_loopback_one():
    commands = make_run_dry(HOST="0.0.0.0", PORT="9000")  # noqa: S104 - what a newcomer types, never run
    assert "runserver 0.0.0.0:9000" in commands
    assert "http://127.0.0.1:9000" in commands


def test_the_portal_base_url_is_where_an_emailed_link_points():
    script = "import django; django.setup(); from portal.notifications import absolute_url; print(absolute_url('/mailbox/7/'))"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "PORTAL_BASE_URL": "http://10.1.2.3:8123"}
    result = subprocess.run([".venv/bin/python", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.stdout.strip() == "http://10.1.2.3:8123/mailbox/7/", result.stderr


@pytest.mark.django_db(transaction=True)
def test_the_second_factor_hint_seed_demo_prints_runs_as_printed():
    ConsumerCaseFactory()  # a database with data: seed_demo --if-empty only prints the sign-ins
    manager = UserFactory(email="manager@demo.agencyportal.test")
    TOTPDevice.objects.create(user=manager, name="phone", confirmed=True)
    out = io.StringIO()
    call_command("seed_demo", if_empty=True, stdout=out)
    (command,) = re.findall(r"`([^`]*totp_code[^`]*)`", out.getvalue())
    assert command.startswith(".venv/bin/python manage.py totp_code manager@demo.agencyportal.test")

    database = connection.settings_dict
    env = {**os.environ, "DEBUG": "true",
           "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"}  # fmt: skip
    result = subprocess.run(shlex.split(command), cwd=ROOT, env=env, capture_output=True, text=True)  # noqa: S603
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"\d{6}", result.stdout.strip())
