"""The Agent Extranet: separate accounts and session, Monday onboarding, password rules, expiry, reset links,
lockout, scoped and audited files, and the service center's admin."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client

from bookofbusiness.models import Extract
from extranet import services
from extranet.models import ExtranetAccount, PasswordHistory, PasswordLink
from portal.models import AuditEvent

from .factories import AgentFactory, UserFactory, agency_with_manager, agent_in, sign_in

LA = zoneinfo.ZoneInfo("America/Los_Angeles")
MONDAY = datetime.datetime(2026, 11, 23, 7, 0, tzinfo=LA)
# The extranet's rules are a calendar (onboarding on Mondays, 60-day passwords, 7-day links): every test here
# lives in the week of MONDAY, and steps through it with at().
pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(MONDAY)]
GOOD = "Sunny-Harbor-42"
OTHER = "Quiet#Meadow77"


def at(moment):
    return time_machine.travel(moment, tick=False)


def links_in(outbox):
    return [url for message in outbox for url in re.findall(r"https?://\S+/extranet/set-password/\S+/", message.body)]


def active_account(agent=None, password=GOOD, when=MONDAY):
    agent = agent or AgentFactory()
    account = services.account_for(agent)
    with at(when):
        services.set_password(account, password, how="onboarding")
    account.refresh_from_db()
    return account


def extranet_client(account, password=GOOD):
    client = Client()
    response = client.post("/extranet/sign-in/", {"username": account.username, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


# -- onboarding ------------------------------------------------------------------------------------


def test_monday_onboarding_sends_three_emails_to_last_weeks_newly_certified_agents_only(
    mailoutbox, django_capture_on_commit_callbacks
):
    last_week = datetime.date(2026, 11, 18)
    new = AgentFactory(certified_on=last_week, license_number="1H12345")
    AgentFactory(certified_on=datetime.date(2026, 11, 13))  # two weeks ago: onboarded then
    AgentFactory(certified_on=datetime.date(2026, 11, 23))  # this week: next Monday
    AgentFactory(certified_on=last_week, certification_status="suspended")  # no longer certified
    already = active_account(AgentFactory(certified_on=last_week), when=MONDAY - datetime.timedelta(days=30))
    with at(MONDAY), django_capture_on_commit_callbacks(execute=True):
        onboarded = services.run_monday_onboarding()
    assert [account.agent for account in onboarded] == [new]
    assert {message.to[0] for message in mailoutbox} == {new.email}
    assert already.agent.email not in {message.to[0] for message in mailoutbox}
    intro, username, password = mailoutbox
    assert "Informational" in intro.subject and "CC_1H12345" not in intro.body
    assert "[secure]" in username.subject and "Username" in username.subject and "CC_1H12345" in username.body
    assert "[secure]" in password.subject and "CC_1H12345" not in password.body
    assert links_in([password]) and not links_in([intro, username]), "the link comes alone, in the third e-mail"
    assert ExtranetAccount.objects.get(agent=new).password == "", "no password is made or sent"
    with at(MONDAY + datetime.timedelta(hours=1)), django_capture_on_commit_callbacks(execute=True):
        assert services.run_monday_onboarding() == []
    assert len(mailoutbox) == 3, "a rerun sends nothing twice"
    assert AuditEvent.objects.filter(action="extranet.onboarding_sent", object_id=str(onboarded[0].pk)).exists()


def test_onboarding_emails_are_in_the_agents_language(mailoutbox, django_capture_on_commit_callbacks):
    agent = AgentFactory(certified_on=datetime.date(2026, 11, 18), preferred_language="es")
    with at(MONDAY), django_capture_on_commit_callbacks(execute=True):
        services.run_monday_onboarding()
    assert len(mailoutbox) == 3 and all(message.to == [agent.email] for message in mailoutbox)
    assert all(message.body.startswith(f"Estimado/a {agent.first_name}:") for message in mailoutbox)
    assert "[seguro]" in mailoutbox[1].subject and "Nombre de usuario" in mailoutbox[1].subject
    assert "Nunca enviamos contraseñas" in mailoutbox[2].body


def test_the_compiled_spanish_catalogue_matches_its_source(tmp_path):
    """The .mo file is committed so `make run` needs no gettext; it must be compiled from the .po as it is."""
    import gettext
    import subprocess
    from pathlib import Path

    from django.conf import settings

    source = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES"
    subprocess.run(["/usr/bin/msgfmt", "--check-format", "-o", str(tmp_path / "django.mo"), str(source / "django.po")],
                   check=True)  # fmt: skip
    with open(source / "django.mo", "rb") as committed, open(tmp_path / "django.mo", "rb") as fresh:
        assert gettext.GNUTranslations(committed)._catalog == gettext.GNUTranslations(fresh)._catalog, (
            "run `python manage.py compilemessages -l es --ignore=.venv` and commit django.mo"
        )


def test_the_onboarding_link_sets_the_password_once(client, mailoutbox, django_capture_on_commit_callbacks):
    agent = AgentFactory(certified_on=datetime.date(2026, 11, 18))
    with at(MONDAY), django_capture_on_commit_callbacks(execute=True):
        services.run_monday_onboarding()
    (url,) = links_in(mailoutbox)
    path = url.split("://", 1)[1].split("/", 1)[1]
    path = "/" + path
    assert client.get(path).status_code == 200
    weak = client.post(path, {"new_password": "short", "confirm_password": "short"})
    assert weak.status_code == 400 and "at least 12 characters" in weak.content.decode()
    assert ExtranetAccount.objects.get(agent=agent).password == "", "nothing saved"
    done = client.post(path, {"new_password": GOOD, "confirm_password": GOOD})
    assert done.status_code == 200 and "password is saved" in done.content.decode()
    account = ExtranetAccount.objects.get(agent=agent)
    assert account.check_password(GOOD) and GOOD not in account.password
    assert client.get(path).status_code == 410, "the link works once"
    assert client.post(path, {"new_password": OTHER, "confirm_password": OTHER}).status_code == 410
    assert not any(GOOD in message.body for message in mailoutbox)


def test_staff_resending_onboarding_kills_the_earlier_link(mailoutbox, django_capture_on_commit_callbacks):
    account = services.account_for(AgentFactory())
    with django_capture_on_commit_callbacks(execute=True):
        services.send_onboarding(account)
        services.send_onboarding(account)
    first, second = links_in(mailoutbox)
    assert services.usable_link(first.rstrip("/").rsplit("/", 1)[1]) is None
    assert services.usable_link(second.rstrip("/").rsplit("/", 1)[1]) is not None


# -- passwords -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Short-1a", "at least 12 characters"),
        ("alllowercase-42", "an upper-case letter"),
        ("ALLUPPERCASE-42", "a lower-case letter"),
        ("No-Digits-Here", "a digit"),
        ("NoSymbols12345", "a symbol"),
        ("Password1234!", None),  # long enough and varied: accepted unless common
    ],
)
def test_every_password_rule_has_a_clear_message(password, message):
    account = services.account_for(AgentFactory())
    if message is None:
        services.check_new_password(account, password, change=False)
        return
    with pytest.raises(Exception) as error:
        services.check_new_password(account, password, change=False)
    assert message in " ".join(error.value.messages)


def test_none_of_the_last_24_passwords_may_be_reused():
    account = services.account_for(AgentFactory())
    passwords = [f"Harbor-Light-{n:02d}" for n in range(25)]
    moment = MONDAY
    for password in passwords:
        moment += datetime.timedelta(days=2)
        with at(moment):
            services.set_password(account, password, how="change")
    assert PasswordHistory.objects.filter(account=account).count() == 24
    with pytest.raises(Exception, match="have not used before"):
        services.check_new_password(account, passwords[1], change=False)  # the 24th most recent
    services.check_new_password(account, passwords[0], change=False)  # the 25th most recent: allowed again


def test_the_password_can_be_changed_once_a_day(mailoutbox):
    account = active_account()
    with at(MONDAY + datetime.timedelta(hours=23)):
        client = extranet_client(account)
        refused = client.post("/extranet/password/", {"current_password": GOOD, "new_password": OTHER,
                                                      "confirm_password": OTHER})  # fmt: skip
    assert refused.status_code == 400 and "once a day" in refused.content.decode()
    account.refresh_from_db()
    assert account.check_password(GOOD)


def test_changing_the_password_ends_other_sessions_and_links(client):
    account = active_account()
    with at(MONDAY + datetime.timedelta(days=2)):
        ours, theirs = extranet_client(account), extranet_client(account)
        services.issue_link(account, PasswordLink.Purpose.RESET)
        changed = ours.post("/extranet/password/", {"current_password": GOOD, "new_password": OTHER,
                                                    "confirm_password": OTHER})  # fmt: skip
        assert changed.status_code == 200
        assert ours.get("/extranet/").status_code == 200, "the session that changed it continues"
        assert theirs.get("/extranet/").status_code == 302, "every other session ends"
    assert not PasswordLink.objects.filter(account=account, used_at=None, revoked_at=None).exists()


def test_the_password_expires_on_day_60_and_the_reminder_goes_on_day_50_once(
    mailoutbox, django_capture_on_commit_callbacks
):
    account = active_account()
    with at(MONDAY + datetime.timedelta(days=49, hours=23)), django_capture_on_commit_callbacks(execute=True):
        assert services.send_expiry_reminders() == 0
    with at(MONDAY + datetime.timedelta(days=50)), django_capture_on_commit_callbacks(execute=True):
        assert services.send_expiry_reminders() == 1
        assert services.send_expiry_reminders() == 0
    with at(MONDAY + datetime.timedelta(days=55)), django_capture_on_commit_callbacks(execute=True):
        assert services.send_expiry_reminders() == 0, "once per password"
    assert len(mailoutbox) == 1 and "expires soon" in mailoutbox[0].subject and "2027" in mailoutbox[0].body
    with at(MONDAY + datetime.timedelta(days=59, hours=23)):
        session = extranet_client(account)
    with at(MONDAY + datetime.timedelta(days=60)):
        assert session.get("/extranet/").status_code == 302, "the session ends with the password"
        refused = Client().post("/extranet/sign-in/", {"username": account.username, "password": GOOD})
    page = refused.content.decode()
    assert refused.status_code == 400 and "expired" in page and "/extranet/reset/" in page


# -- reset -----------------------------------------------------------------------------------------


def test_reset_answers_the_same_for_any_username_and_mails_only_real_accounts(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    account = active_account()
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/extranet/reset/", {"username": account.username.lower()})
        unknown = client.post("/extranet/reset/", {"username": "CC_9Z99999"})
    scrub = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|<meta name="csrf-token" content="[^"]+">')
    assert known.status_code == unknown.status_code == 200
    assert scrub.sub("", known.content.decode()) == scrub.sub("", unknown.content.decode())
    assert [message.to for message in mailoutbox] == [[account.agent.email]]
    assert "only once" in mailoutbox[0].body and "24 hours" in mailoutbox[0].body


def test_a_reset_link_dies_after_24_hours_and_when_a_newer_one_is_sent(client):
    account = active_account()
    with at(MONDAY + datetime.timedelta(days=3)):
        old = services.issue_link(account, PasswordLink.Purpose.RESET).rstrip("/").rsplit("/", 1)[1]
        new = services.issue_link(account, PasswordLink.Purpose.RESET).rstrip("/").rsplit("/", 1)[1]
        assert client.get(f"/extranet/set-password/{old}/").status_code == 410
        assert client.get(f"/extranet/set-password/{new}/").status_code == 200
    with at(MONDAY + datetime.timedelta(days=4, minutes=1)):
        assert client.get(f"/extranet/set-password/{new}/").status_code == 410


def test_an_expired_password_is_replaced_through_the_reset_link(client):
    account = active_account()
    with at(MONDAY + datetime.timedelta(days=61)):
        token = services.issue_link(account, PasswordLink.Purpose.RESET).rstrip("/").rsplit("/", 1)[1]
        saved = client.post(f"/extranet/set-password/{token}/", {"new_password": OTHER, "confirm_password": OTHER})
        assert saved.status_code == 200
        assert extranet_client(account, OTHER).get("/extranet/").status_code == 200


# -- signing in ------------------------------------------------------------------------------------


def staff_client():
    """Service-center staff signed in to admin (at the time the clock shows)."""
    return sign_in(Client(), UserFactory(is_staff=True, is_superuser=True))


def test_three_failures_in_120_minutes_lock_for_60_minutes_and_staff_can_unlock():
    account = active_account()
    for minutes in (0, 60, 119):
        with at(MONDAY + datetime.timedelta(minutes=minutes)):
            Client().post("/extranet/sign-in/", {"username": account.username, "password": "wrong"})
    with at(MONDAY + datetime.timedelta(minutes=150)):
        refused = Client().post("/extranet/sign-in/", {"username": account.username, "password": GOOD})
        assert refused.status_code == 400 and "locked" in refused.content.decode()
        assert account.status() == ExtranetAccount.Status.LOCKED
    with at(MONDAY + datetime.timedelta(minutes=180)):
        assert extranet_client(account).get("/extranet/").status_code == 200
    for minutes in (200, 201, 202):
        with at(MONDAY + datetime.timedelta(minutes=minutes)):
            Client().post("/extranet/sign-in/", {"username": account.username, "password": "wrong"})
    with at(MONDAY + datetime.timedelta(minutes=203)):
        assert account.status() == ExtranetAccount.Status.LOCKED
        staff_client().post("/admin/extranet/extranetaccount/", {"action": "unlock", "_selected_action": [account.pk]})
        assert account.status() == ExtranetAccount.Status.ACTIVE
        assert extranet_client(account).get("/extranet/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.locked", object_label=account.lock_identifier.lower()).count() == 2
    assert AuditEvent.objects.filter(action="auth.lock_lifted").exists()


def test_wrong_and_unknown_usernames_get_the_same_answer():
    account = active_account()
    wrong_password = Client().post("/extranet/sign-in/", {"username": account.username, "password": "nope"})
    unknown = Client().post("/extranet/sign-in/", {"username": "CC_9Z99999", "password": "nope"})
    strip = re.compile(r'value="[^"]*"|content="[^"]*"')
    assert wrong_password.status_code == unknown.status_code == 400
    assert strip.sub("", wrong_password.content.decode()) == strip.sub("", unknown.content.decode())
    assert "not right" in unknown.content.decode()


def test_portal_and_extranet_sessions_are_separate(client):
    agency, manager = agency_with_manager()
    account = active_account(manager)
    sign_in(client, manager.user)
    response = client.get("/extranet/")
    assert response.status_code == 302 and response["Location"].startswith("/extranet/sign-in/")
    extranet = extranet_client(account)
    assert extranet.get("/extranet/").status_code == 200
    assert extranet.get("/book/").status_code == 302, "the extranet sign-in opens no portal page"
    cookie = extranet.cookies[next(name for name in extranet.cookies if "extranet" in name)]
    assert cookie["path"] == "/extranet/" and cookie["httponly"] and cookie["samesite"] == "Strict"


# -- files -----------------------------------------------------------------------------------------


def published(scope, owner, week, file_format="csv", kind="bob"):
    name = default_storage.save(f"extracts/{week}/{scope}-{owner.pk}/{kind}.{file_format}", ContentFile(b"a,b\n1,2\n"))
    return Extract.objects.create(
        scope=scope, kind=kind, week=week, file_format=file_format, status="published", file=name, rows=1, size=8,
        sha256="a" * 64, published_at=MONDAY, **{"agent" if scope == "agent" else "agency": owner},
    )  # fmt: skip


def test_agents_see_their_files_newest_first_managers_also_their_agencys(client):
    agency, manager = agency_with_manager()
    rosa = agent_in(agency)
    old = published("agent", rosa, datetime.date(2026, 11, 16))
    new = published("agent", rosa, datetime.date(2026, 11, 23), "xlsx")
    agencys = published("agency", agency, datetime.date(2026, 11, 23))
    managers = published("agent", manager, datetime.date(2026, 11, 23))
    Extract.objects.create(scope="agent", agent=rosa, kind="ce", week=datetime.date(2026, 11, 23), file_format="csv")
    rosa_client = extranet_client(active_account(rosa))
    page = rosa_client.get("/extranet/")
    assert [extract.pk for extract in page.context["extracts"]] == [new.pk, old.pk], "no writing files, newest first"
    assert rosa_client.get(f"/extranet/files/{agencys.pk}/download/").status_code == 404
    assert rosa_client.get(f"/extranet/files/{managers.pk}/download/").status_code == 404
    download = rosa_client.get(f"/extranet/files/{new.pk}/download/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"a,b\n1,2\n"
    assert download["Cache-Control"] == "private, no-store"
    event = AuditEvent.objects.get(action="file.downloaded", object_id=str(new.pk))
    assert event.actor_label == rosa.extranet_account.username and event.details["sha256"] == "a" * 64
    manager_page = extranet_client(active_account(manager)).get("/extranet/")
    assert {extract.pk for extract in manager_page.context["extracts"]} == {agencys.pk, managers.pk}


# -- admin -----------------------------------------------------------------------------------------


def test_admin_lists_each_status_and_deactivates():
    staff = staff_client()
    never = services.account_for(AgentFactory())
    fine = active_account(when=datetime.datetime.now(tz=LA))
    expired = active_account(when=datetime.datetime.now(tz=LA) - datetime.timedelta(days=61))
    page = staff.get("/admin/extranet/extranetaccount/").content.decode()
    for label in ("Never activated", "Active", "Password expired"):
        assert label in page
    assert never.status() == "never_activated" and fine.status() == "active" and expired.status() == "expired"
    staff.post("/admin/extranet/extranetaccount/", {"action": "deactivate", "_selected_action": [fine.pk]})
    fine.refresh_from_db()
    assert fine.status() == "deactivated"
    refused = Client().post("/extranet/sign-in/", {"username": fine.username, "password": GOOD})
    assert refused.status_code == 400
    assert AuditEvent.objects.filter(action="extranet.deactivated", object_id=str(fine.pk)).exists()


def test_an_agent_no_longer_certified_cannot_use_the_extranet():
    account = active_account(when=datetime.datetime.now(tz=LA))
    client = extranet_client(account)
    account.agent.certification_status = "suspended"
    account.agent.save()
    assert client.get("/extranet/").status_code == 302, "the session ends"
    refused = Client().post("/extranet/sign-in/", {"username": account.username, "password": GOOD})
    assert refused.status_code == 400 and "certified agents" in refused.content.decode()


def test_staff_send_onboarding_to_agents_certified_before_the_extranet(mailoutbox, django_capture_on_commit_callbacks):
    ready = AgentFactory()
    suspended = AgentFactory(certification_status="suspended")
    staff = staff_client()
    with django_capture_on_commit_callbacks(execute=True):
        staff.post("/admin/agents/agent/", {"action": "send_extranet_onboarding",
                                            "_selected_action": [ready.pk, suspended.pk]})  # fmt: skip
    assert {message.to[0] for message in mailoutbox} == {ready.email} and len(mailoutbox) == 3
    assert ExtranetAccount.objects.get(agent=ready).username == f"CC_{ready.license_number}"


def test_one_network_cannot_try_many_usernames():
    account = active_account(when=datetime.datetime.now(tz=LA))
    client = Client()
    for n in range(20):
        client.post("/extranet/sign-in/", {"username": f"CC_9Z{n:05d}", "password": "guess"})
    refused = client.post("/extranet/sign-in/", {"username": account.username, "password": GOOD})
    assert refused.status_code == 400 and "Too many sign-in attempts" in refused.content.decode()
    assert AuditEvent.objects.filter(action="auth.throttled", details__site="extranet").exists()


def test_the_extranet_session_ends_after_15_idle_minutes():
    account = active_account()
    with at(MONDAY + datetime.timedelta(days=1)):
        client = extranet_client(account)
    with at(MONDAY + datetime.timedelta(days=1, minutes=14)):
        assert client.get("/extranet/").status_code == 200
    with at(MONDAY + datetime.timedelta(days=1, minutes=30)):
        response = client.get("/extranet/")
        assert response.status_code == 302
        assert "session ended" in client.get(response["Location"]).content.decode()


def test_staff_resend_onboarding_from_the_account_list(mailoutbox, django_capture_on_commit_callbacks):
    account = services.account_for(AgentFactory())
    with django_capture_on_commit_callbacks(execute=True):
        services.send_onboarding(account)
        staff_client().post("/admin/extranet/extranetaccount/", {"action": "resend_onboarding",
                                                                 "_selected_action": [account.pk]})  # fmt: skip
    first, second = links_in(mailoutbox)
    assert len(mailoutbox) == 6 and first != second
    assert services.usable_link(first.rstrip("/").rsplit("/", 1)[1]) is None, "the earlier link died"
    event = AuditEvent.objects.filter(action="extranet.onboarding_sent", object_id=str(account.pk)).latest("pk")
    assert event.details == {"resent": True} and event.actor is not None


def test_the_admin_list_reads_every_accounts_status_in_one_query(django_assert_max_num_queries):
    for _n in range(8):
        active_account(when=datetime.datetime.now(tz=LA))
    staff = staff_client()
    with django_assert_max_num_queries(12):
        page = staff.get("/admin/extranet/extranetaccount/").content.decode()
    assert page.count("Active") >= 8
