"""Each app declares the audit actions it records; services record state changes, once, with what changed."""

import re
import subprocess
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from agents.services import update_agent_profile
from portal import audit
from portal.models import AuditEvent

from .factories import AgentFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent


def recorded_in_the_code() -> set[str]:
    files = subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True).stdout.split()  # noqa: S607
    codes = set()
    for name in files:
        if name.startswith("tests/"):
            continue
        text = (ROOT / name).read_text()
        codes |= set(re.findall(r'\brecord\(\s*"([a-z_]+\.[a-z_]+)"', text))
        codes |= set(re.findall(r'action="([a-z_]+\.[a-z_]+)"', text))
    return codes


def test_every_action_the_code_records_is_declared_by_an_app_with_its_sentence():
    declared = audit.actions()
    assert recorded_in_the_code() <= set(declared), sorted(recorded_in_the_code() - set(declared))
    assert all(str(sentence) for sentence in declared.values())
    owners = {code: config.label for config in apps.get_app_configs() for code in getattr(config, "audit_actions", {})}
    assert owners["case.viewed"] == "consumers" and owners["acting.started"] == "delegations"
    assert owners["extranet.password_set"] == "extranet" and owners["auth.signed_in"] == "portal"


def test_an_undeclared_action_is_refused():
    with pytest.raises(ValueError, match="declare it"):
        audit.record("case.teleported")


def test_an_action_two_apps_declare_is_an_error(monkeypatch):
    agents_config = apps.get_app_config("agents")
    monkeypatch.setattr(agents_config, "audit_actions", {**agents_config.audit_actions, "case.viewed": "again"})
    monkeypatch.setattr(audit, "_actions", None)
    with pytest.raises(ImproperlyConfigured, match="declared twice"):
        audit.actions()
    monkeypatch.setattr(audit, "_actions", None)


@pytest.mark.django_db
def test_a_profile_change_is_recorded_once_by_the_service_with_the_fields_that_changed():
    agent = AgentFactory(biography="Old words", phone="916-555-0123")
    editor = UserFactory()
    update_agent_profile(agent=agent, by=editor, data={"biography": "New words", "phone": "916-555-0123"})
    (event,) = AuditEvent.objects.filter(action="agent.profile_changed")
    assert event.actor == editor and event.object_id == str(agent.pk)
    assert event.details == {"fields": ["biography"]}, "names only, never values; an unchanged phone is not listed"


@pytest.mark.django_db
def test_a_profile_changed_through_the_page_is_audited_with_what_changed(client):
    from .factories import agency_with_manager, agent_in, sign_in

    agency, manager = agency_with_manager()
    agent = agent_in(agency, biography="Old words")
    sign_in(client, manager.user)
    page = client.get(f"/agency/agents/{agent.pk}/")
    data = {key: value for key, value in page.context["form"].initial.items() if value is not None}
    data.update(biography="New words", languages=[], product_expertise=[], subsite_locations=[])
    client.post(f"/agency/agents/{agent.pk}/", {k: v for k, v in data.items() if not hasattr(v, "pk")})
    (event,) = AuditEvent.objects.filter(action="agent.profile_changed")
    assert "biography" in event.details["fields"] and "phone" not in event.details["fields"]
