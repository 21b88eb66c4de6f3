"""The extranet's Monday onboarding: three e-mails, in the agent's language, and a link that sets the password once."""

import datetime

from extranet import services
from extranet.models import ExtranetAccount
from portal.models import AuditEvent

from .extranet_support import GOOD, IN_THE_WEEK_OF_MONDAY, MONDAY, OTHER, active_account, at, links_in
from .factories import AgentFactory

pytestmark = IN_THE_WEEK_OF_MONDAY


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
    with at(MONDAY + datetime.timedelta(minutes=10)), django_capture_on_commit_callbacks(execute=True):
        services.send_onboarding(account)  # once the minimum interval between links has passed
    first, second = links_in(mailoutbox)
    assert services.usable_link(first.rstrip("/").rsplit("/", 1)[1]) is None
    assert services.usable_link(second.rstrip("/").rsplit("/", 1)[1]) is not None
