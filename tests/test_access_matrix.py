"""The access matrix: every URL of the project, requested by every role of two agencies.

Each URL has a rule saying what each role gets. Every response is also searched for
the other agency's names, license numbers and case numbers, and every object URL is
tried with the other agency's object (a 404). A URL added without a rule fails
`test_every_url_has_a_rule`.
"""

import re
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from agencies.models import Membership
from portal.models import MailboxMessage

from .factories import (
    AgencyLocationFactory,
    AgentFactory,
    ConsumerCaseFactory,
    MembershipFactory,
    UserFactory,
    admin_staff_in,
    agency_with_manager,
    agent_in,
    consumer,
    consumer_signed_in,
    delegate,
    invite,
    sign_in,
)

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "manager",
    "agent",
    "staff_all_grants",
    "staff_no_grants",
    "unaffiliated_agent",
    "deactivated_agent",
    "service_center",
    "consumer",
    "unconfirmed_consumer",
]
CONSUMERS = {"consumer", "unconfirmed_consumer"}
AGENTS = {"manager", "agent", "unaffiliated_agent", "deactivated_agent"}
AGENCY_OFFICE = {"manager", "staff_all_grants", "staff_no_grants"}

# What each role gets from a GET: a status code, "login" (sent to sign in), or "away" (another page).
OK, LOGIN, AWAY, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, "login", "away", 403, 404, 405


def signed_in(ok, anonymous=LOGIN):
    return {role: (anonymous if role == "anonymous" else ok) for role in ROLES}


def only(allowed: set[str], otherwise=FORBIDDEN):
    return {role: LOGIN if role == "anonymous" else (OK if role in allowed else otherwise) for role in ROLES}


RULES = {
    # The extranet has its own sign-in: every portal role is a stranger there.
    "extranet:sign_in": signed_in(OK, anonymous=OK),
    "extranet:files": signed_in(AWAY, anonymous=AWAY),
    "extranet:download": signed_in(AWAY, anonymous=AWAY),
    "extranet:change_password": signed_in(AWAY, anonymous=AWAY),
    "extranet:sign_out": signed_in(NOT_ALLOWED, anonymous=NOT_ALLOWED),
    "extranet:reset": signed_in(OK, anonymous=OK),
    "extranet:choose_password": signed_in(410, anonymous=410),
    "home": {**signed_in(AWAY), "service_center": OK, "unconfirmed_consumer": OK},  # a page saying there is none
    "help": signed_in(OK, anonymous=OK),
    "help_topic": signed_in(NOT_FOUND, anonymous=NOT_FOUND),  # "1" is no topic; each topic is public
    "find_local_help": signed_in(OK, anonymous=OK),
    "security_profile": signed_in(OK),
    "two_factor_setup": {**signed_in(AWAY), **dict.fromkeys(CONSUMERS, OK)},  # offered to consumers, who have none
    "two_factor_verify": signed_in(AWAY),
    "two_factor_recovery_codes": signed_in(OK),
    "session_status": signed_in(OK, anonymous=401),
    "session_keepalive": signed_in(NOT_ALLOWED, anonymous=NOT_ALLOWED),
    "mailbox": signed_in(OK),
    "mailbox_message": signed_in(OK),
    "set_language": signed_in(AWAY, anonymous=AWAY),
    "account_email": signed_in(NOT_FOUND, anonymous=NOT_FOUND),
    "account_request_reauthentication_code": signed_in(NOT_FOUND, anonymous=NOT_FOUND),
    "account_confirm_reauthentication_code": signed_in(NOT_FOUND, anonymous=NOT_FOUND),
    "accept_invitation": signed_in(400, anonymous=400),
    "agencies:home": only(AGENCY_OFFICE),
    "agencies:roster": only({"manager", "staff_all_grants"}),
    "agencies:agent_add": only({"manager"}),
    "agencies:agent": only({"manager", "staff_all_grants"}),
    "agencies:agent_status": signed_in(NOT_ALLOWED, anonymous=NOT_ALLOWED),
    "agencies:admin_staff": only({"manager"}),
    "agencies:admin_staff_member": only({"manager"}),
    "agencies:delegations": only({"manager", "staff_all_grants"}),
    "agencies:account": only(AGENCY_OFFICE),
    "agencies:account_edit": only({"manager", "staff_all_grants"}),
    "agencies:location_add": only({"manager", "staff_all_grants"}),
    "agencies:location_edit": only({"manager", "staff_all_grants"}),
    "agencies:document_upload": signed_in(NOT_ALLOWED, anonymous=NOT_ALLOWED),
    "agencies:document_download": only({"manager", "staff_all_grants", "service_center"}, otherwise=NOT_FOUND),
    "delegations:transfer": only({"manager"}),
    "delegations:accept": signed_in(NOT_ALLOWED, anonymous=NOT_ALLOWED),
    "delegations:decline": signed_in(NOT_ALLOWED, anonymous=NOT_ALLOWED),
    "delegations:start_acting": signed_in(NOT_ALLOWED, anonymous=NOT_ALLOWED),
    "delegations:stop_acting": signed_in(NOT_ALLOWED, anonymous=NOT_ALLOWED),
    "request_help": signed_in(OK, anonymous=OK),
    "consumers:case": only({"manager", "agent", "staff_all_grants", "service_center"}, otherwise=NOT_FOUND),
    "consumers:download_document": only(
        {"manager", "agent", "staff_all_grants", "service_center"}, otherwise=NOT_FOUND
    ),
    "consumers:new_business": only(AGENTS),
    "consumers:report_change": signed_in(NOT_ALLOWED, anonymous=NOT_ALLOWED),
    "consumers:upload_document": signed_in(NOT_ALLOWED, anonymous=NOT_ALLOWED),
    "consumers:record_renewal": signed_in(NOT_ALLOWED, anonymous=NOT_ALLOWED),
    "consumers:add_note": signed_in(NOT_ALLOWED, anonymous=NOT_ALLOWED),
    "consumers:add_follow_up": signed_in(NOT_ALLOWED, anonymous=NOT_ALLOWED),
    "consumers:follow_up_done": signed_in(NOT_ALLOWED, anonymous=NOT_ALLOWED),
    "bookofbusiness:book": only(AGENTS | {"staff_all_grants"}),
    "bookofbusiness:export": signed_in(FORBIDDEN),
    "bookofbusiness:export_status": only({"manager"}, otherwise=NOT_FOUND),
    "bookofbusiness:export_download": only({"manager"}, otherwise=NOT_FOUND),
    "agents:my_profile": only(AGENTS, otherwise=NOT_FOUND),
    "agencies:assign_request": only({"manager"}, otherwise=FORBIDDEN),
    "today": only(AGENTS | AGENCY_OFFICE | {"staff_all_grants"}, otherwise=NOT_FOUND),
    "agents:change_email": only(AGENTS, otherwise=NOT_FOUND),
    # An agent in no agency keeps their own office; one in an agency is found at its locations.
    "agents:own_office": only({"unaffiliated_agent", "deactivated_agent"}, otherwise=NOT_FOUND),
    # "1" is no confirmation link: an agent is told it is not valid; anyone else has no e-mail to change here.
    "agents:confirm_email": {
        role: LOGIN if role == "anonymous" else (400 if role in AGENTS else NOT_FOUND) for role in ROLES
    },  # fmt: skip
    # Only the invited agent answers an invitation; only the inviting agency's manager withdraws it.
    "agents:agency_invitation": only({"unaffiliated_agent"}, otherwise=NOT_FOUND),
    "agencies:invitation_withdraw": signed_in(NOT_ALLOWED, anonymous=NOT_ALLOWED),
    "delegations:mine": only(AGENTS, otherwise=NOT_FOUND),
    "bookofbusiness:transfer_chosen": signed_in(NOT_ALLOWED, anonymous=NOT_ALLOWED),
    "bookofbusiness:export_chosen": signed_in(NOT_ALLOWED, anonymous=NOT_ALLOWED),
    "agencies:give_chosen": signed_in(NOT_ALLOWED, anonymous=NOT_ALLOWED),
    "bookofbusiness:delete_view": signed_in(NOT_ALLOWED, anonymous=NOT_ALLOWED),
    # Those with a Book of Business (an agent not certified: an empty one) or the roster, like the Book itself.
    "search": only(AGENTS | {"staff_all_grants"}),
    # A consumer's own account, its address confirmed: their own case only. Everyone else has no "My case".
    "my_case:case": only({"consumer"}, otherwise=NOT_FOUND),
    "my_case:link": {**only(set(), otherwise=NOT_FOUND), "consumer": AWAY},  # linked already: to their case
    "my_case:upload": signed_in(NOT_ALLOWED, anonymous=NOT_ALLOWED),
    "my_case:document": only({"consumer"}, otherwise=NOT_FOUND),
    "my_case:delegates": only({"consumer"}, otherwise=NOT_FOUND),
    "my_case:remove": signed_in(NOT_ALLOWED, anonymous=NOT_ALLOWED),
    # Online Chat (servicecenter): the person's page for everyone with a portal role (CHAT); the console for those
    # who answer chat (the matrix's service_center); transcripts for supervisors ("1" is no chat here).
    "servicecenter:chat": only(AGENTS | AGENCY_OFFICE | {"consumer"}, otherwise=NOT_FOUND),
    "servicecenter:start": signed_in(NOT_ALLOWED),
    "servicecenter:end": signed_in(NOT_ALLOWED),
    "servicecenter:console": only({"service_center"}, otherwise=NOT_FOUND),
    "servicecenter:take_next": signed_in(NOT_ALLOWED),
    "servicecenter:take": signed_in(NOT_ALLOWED),
    "servicecenter:hand_over": signed_in(NOT_ALLOWED),
    "servicecenter:languages": signed_in(NOT_ALLOWED),
    "servicecenter:transcript": signed_in(NOT_FOUND),
    # The Secure Mailbox written both ways (securemailbox)
    # Writing to the service center: everyone with a portal role (CHAT); no such pages for staff or an unconfirmed
    # consumer. Thread "1" is nobody's here: not found, as another person's is.
    "securemailbox:threads": only(AGENTS | AGENCY_OFFICE | {"staff_all_grants", "consumer"}, otherwise=NOT_FOUND),
    "securemailbox:write": only(AGENTS | AGENCY_OFFICE | {"staff_all_grants", "consumer"}, otherwise=NOT_FOUND),
    "securemailbox:thread": signed_in(NOT_FOUND),
    "securemailbox:close": signed_in(NOT_ALLOWED, anonymous=NOT_ALLOWED),
    # The service center's side: those who answer (the matrix's service_center is a supervisor, who answers too).
    "securemailbox:to_answer": only({"service_center"}),
    "securemailbox:answer": signed_in(NOT_FOUND),
    "securemailbox:staff_close": signed_in(NOT_ALLOWED, anonymous=NOT_ALLOWED),
}

# django-allauth's own pages: about the signed-in person only, never an agency's data.
ALLAUTH_PAGES = {
    "account_login", "account_logout", "account_inactive", "account_signup", "account_reauthenticate",
    "account_email_verification_sent",
    "account_change_password", "account_set_password", "account_reset_password", "account_confirm_login_code",
    "account_confirm_email", "account_reset_password_from_key_done", "account_reset_password_from_key",
    "account_reset_password_done",
}  # fmt: skip


@dataclass
class Pattern:
    route: str
    name: str

    @property
    def is_admin(self):
        return self.name.startswith("admin:")


def all_patterns(patterns=None, prefix="", namespace=""):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from all_patterns(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield Pattern(prefix + str(entry.pattern), namespace + (entry.name or ""))


def fill(route: str, value) -> str:
    """A concrete URL for a route: its parameters replaced by `value` (one, or a tuple in order)."""
    values = iter(value if isinstance(value, tuple) else (value,) * 8)
    route = route.replace("^", "").replace("$", "")
    route = re.sub(r"<(?:\w+:)?\w+>", lambda m: str(next(values)), route)
    return "/" + re.sub(r"\(\?P<\w+>[^)]*\)", lambda m: str(next(values)), route)


@pytest.fixture
def world():
    ours, manager = agency_with_manager(public_name="Ours Insurance Services")
    theirs, their_manager = agency_with_manager(public_name="Theirs Zeta Insurance")
    agent = agent_in(ours)
    their_agent = agent_in(theirs)
    their_case = delegate(agent=their_agent, agency=theirs).case
    our_case = delegate(agent=agent, agency=ours).case
    pending = delegate(agent=agent, agency=ours, status="pending")
    their_pending = delegate(agent=their_agent, agency=theirs, status="pending")
    deactivated = AgentFactory()
    unaffiliated = AgentFactory()
    MembershipFactory(user=deactivated.user, agency=ours, status=Membership.Status.INACTIVE)
    users = {
        "manager": manager.user,
        "agent": agent.user,
        "staff_all_grants": admin_staff_in(
            ours, can_view_roster=True, can_view_book=True, can_export_book=True, can_edit_account=True
        ),
        "staff_no_grants": admin_staff_in(ours),
        "unaffiliated_agent": unaffiliated.user,
        "deactivated_agent": deactivated.user,
        "service_center": UserFactory(is_staff=True),
    }
    from django.contrib.auth.models import Group

    users["service_center"].groups.add(Group.objects.get(name="Service center: supervisor"))
    # Consumers: ours is linked to our case; the unconfirmed one to a case of its own; another consumer's case
    # (theirs) is delegated in the other agency, with a document and its delegation.
    users["consumer"] = consumer(our_case)
    users["unconfirmed_consumer"] = consumer(ConsumerCaseFactory(), confirmed=False)
    their_consumer_case = their_case
    consumer(their_consumer_case)
    clients = {"anonymous": Client()}
    for role, user in users.items():
        clients[role] = consumer_signed_in(user) if role in CONSUMERS else sign_in(Client(), user)
    own_messages = {
        role: MailboxMessage.objects.create(recipient=user, subject="Yours", body="Yours")
        for role, user in users.items()
    }
    foreign_message = MailboxMessage.objects.create(recipient=their_manager.user, subject="Theirs", body="Private")
    secrets = [theirs.public_name, their_agent.license_number, their_manager.license_number, their_case.case_number]
    their_staff = admin_staff_in(theirs, can_view_roster=True)
    ids = {
        "agent": agent.pk,
        "their_agent": their_agent.pk,
        "staff": users["staff_no_grants"].memberships.get().pk,
        "their_staff": their_staff.memberships.get().pk,
        "location": AgencyLocationFactory(agency=ours).pk,
        "their_location": AgencyLocationFactory(agency=theirs, name="Theirs Zeta office").pk,
        "document": _document(ours).pk,
        "their_document": _document(theirs).pk,
        "case": our_case.pk,
        "their_case": their_case.pk,
        "case_document": _case_document(our_case).pk,
        "their_case_document": _case_document(their_case).pk,
        "pending": pending.pk,
        "their_pending": their_pending.pk,
        "follow_up": _follow_up(our_case, agent, ours).pk,
        "their_follow_up": _follow_up(their_case, their_agent, theirs).pk,
        "invitation": invite(unaffiliated, agency=ours, by=manager.user).pk,
        "their_invitation": invite(AgentFactory(), agency=theirs, by=their_manager.user).pk,
        "export": _export(manager.user).pk,
        "their_export": _export(their_manager.user).pk,
        "delegation": our_case.delegations.get().pk,
        "their_delegation": their_case.delegations.get().pk,
    }
    agent.subsite_locations.add(ids["location"])
    return {
        "clients": clients,
        "own_messages": own_messages,
        "foreign": foreign_message,
        "secrets": secrets,
        "ids": ids,
    }


def _export(user):
    import datetime

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from bookofbusiness.models import BookOfBusinessExport

    membership = user.memberships.current()  # an export is made within the agency the person is in
    return BookOfBusinessExport.objects.create(
        requested_by=user, agency=membership.agency if membership else None, file_format="csv", status="ready", file=ContentFile(b"case\n", "e.csv"), sha256="f" * 64,
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )  # fmt: skip


def _follow_up(case, agent, agency):
    import datetime

    from consumers.models import FollowUp

    return FollowUp.objects.create(case=case, agency=agency, helper=agent, owner=agent.user, created_by=agent.user,
                                   due_date=datetime.date(2030, 1, 1), text="Call back")  # fmt: skip


def _case_document(case):
    from django.core.files.base import ContentFile

    from consumers.models import CaseDocument

    return CaseDocument.objects.create(
        case=case, kind="income", file=ContentFile(b"%PDF-1.7 test", "d.pdf"), original_name="paystub.pdf",
        content_type="application/pdf", size=13, sha256="e" * 64,
    )  # fmt: skip


def _document(agency):
    from django.core.files.base import ContentFile

    from agencies.models import AgencyDocument

    return AgencyDocument.objects.create(
        agency=agency, kind="license", file=ContentFile(b"%PDF-1.7 test", "d.pdf"), original_name="license.pdf",
        content_type="application/pdf", size=13, sha256="d" * 64,
    )  # fmt: skip


# URLs that name an object: (ours, theirs) ids for each, from the world.
OBJECT_URLS = {
    "mailbox_message": lambda w, role: (
        w["own_messages"][role].pk if role in w["own_messages"] else w["foreign"].pk,
        w["foreign"].pk,
    ),
    "agencies:agent": lambda w, role: (w["ids"]["agent"], w["ids"]["their_agent"]),
    "agencies:agent_status": lambda w, role: (w["ids"]["agent"], w["ids"]["their_agent"]),
    "delegations:transfer": lambda w, role: (w["ids"]["agent"], w["ids"]["their_agent"]),
    "agencies:admin_staff_member": lambda w, role: (w["ids"]["staff"], w["ids"]["their_staff"]),
    "agencies:location_edit": lambda w, role: (w["ids"]["location"], w["ids"]["their_location"]),
    "agencies:document_download": lambda w, role: (w["ids"]["document"], w["ids"]["their_document"]),
    "consumers:case": lambda w, role: (w["ids"]["case"], w["ids"]["their_case"]),
    "consumers:report_change": lambda w, role: (w["ids"]["case"], w["ids"]["their_case"]),
    "consumers:upload_document": lambda w, role: (w["ids"]["case"], w["ids"]["their_case"]),
    "consumers:record_renewal": lambda w, role: (w["ids"]["case"], w["ids"]["their_case"]),
    "consumers:add_note": lambda w, role: (w["ids"]["case"], w["ids"]["their_case"]),
    "consumers:add_follow_up": lambda w, role: (w["ids"]["case"], w["ids"]["their_case"]),
    "consumers:follow_up_done": lambda w, role: (
        (w["ids"]["case"], w["ids"]["follow_up"]),
        (w["ids"]["their_case"], w["ids"]["their_follow_up"]),
    ),
    "consumers:download_document": lambda w, role: (
        (w["ids"]["case"], w["ids"]["case_document"]),
        (w["ids"]["their_case"], w["ids"]["their_case_document"]),
    ),
    "delegations:accept": lambda w, role: (w["ids"]["pending"], w["ids"]["their_pending"]),
    "delegations:decline": lambda w, role: (w["ids"]["pending"], w["ids"]["their_pending"]),
    "delegations:start_acting": lambda w, role: (w["ids"]["agent"], w["ids"]["their_agent"]),
    "bookofbusiness:export_status": lambda w, role: (w["ids"]["export"], w["ids"]["their_export"]),
    "bookofbusiness:export_download": lambda w, role: (w["ids"]["export"], w["ids"]["their_export"]),
    "agents:agency_invitation": lambda w, role: (w["ids"]["invitation"], w["ids"]["their_invitation"]),
    "agencies:assign_request": lambda w, role: (w["ids"]["pending"], w["ids"]["their_pending"]),
    "agencies:invitation_withdraw": lambda w, role: (w["ids"]["invitation"], w["ids"]["their_invitation"]),
    "my_case:document": lambda w, role: (w["ids"]["case_document"], w["ids"]["their_case_document"]),
    "my_case:remove": lambda w, role: (w["ids"]["delegation"], w["ids"]["their_delegation"]),
}
# Public listings: the other agency's helper is as public as ours.
PUBLIC_OBJECT_URLS = {"request_help": lambda w, role: (w["ids"]["agent"], w["ids"]["agent"])}
# POSTs that would change who the role is for the rest of the walk.
NO_POST = {"account_logout", "delegations:start_acting", "agencies:invitation_withdraw", "my_case:remove"}  # fmt: skip


def body_of(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace")


def outcome(response):
    if response.status_code in (301, 302):
        return LOGIN if "/accounts/login/" in response["Location"] else AWAY
    return response.status_code


def test_every_url_has_a_rule():
    names = {pattern.name for pattern in all_patterns() if not pattern.is_admin}
    missing = names - set(RULES) - ALLAUTH_PAGES
    assert not missing, f"URLs without a rule in the access matrix: {sorted(missing)}"
    assert all(pattern.name for pattern in all_patterns()), "every URL needs a name"


def test_access_matrix(world):
    clients, secrets = world["clients"], world["secrets"]
    failures, checked = [], 0
    for pattern in all_patterns():
        if pattern.is_admin:
            continue
        for role in ROLES:
            client = clients[role]
            if pattern.name in PUBLIC_OBJECT_URLS:
                url = fill(pattern.route, str(PUBLIC_OBJECT_URLS[pattern.name](world, role)[0]))
            elif pattern.name in OBJECT_URLS:
                own_id, foreign_id = OBJECT_URLS[pattern.name](world, role)
                url = fill(pattern.route, own_id)
                if role != "service_center":  # the marketplace's staff may see every agency
                    foreign_url = fill(pattern.route, foreign_id)
                    for method in ("get", "post"):
                        got = outcome(getattr(client, method)(foreign_url))
                        if got not in (NOT_FOUND, LOGIN, FORBIDDEN, NOT_ALLOWED):
                            failures.append(f"{method.upper()} {foreign_url} (another agency's) as {role}: {got}")
            else:
                url = fill(pattern.route, "1")
            response = client.get(url)
            checked += 1
            got = outcome(response)
            expected = RULES.get(pattern.name, {}).get(role)
            if expected is not None and got != expected:
                failures.append(f"GET {url} as {role}: expected {expected}, got {got}")
            if pattern.name in ALLAUTH_PAGES and got not in (OK, LOGIN, AWAY, NOT_FOUND, NOT_ALLOWED, FORBIDDEN):
                failures.append(f"GET {url} as {role}: {got}")
            bodies = [body_of(response)]
            if pattern.name not in NO_POST:
                bodies.append(body_of(client.post(url)))
            for body in bodies:
                leaked = [secret for secret in secrets if secret in body]
                if leaked:
                    failures.append(f"{url} as {role} shows the other agency's {leaked}")
    world["foreign"].refresh_from_db()
    assert world["foreign"].read_at is None
    assert not failures, "\n".join(failures)
    assert checked >= 30 * len(ROLES)


def test_admin_is_closed_to_everyone_but_service_center_staff(world):
    clients = world["clients"]
    for pattern in all_patterns():
        if not pattern.is_admin:
            continue
        url = fill(pattern.route, "1")
        for role in ROLES:
            if role == "service_center":
                continue
            got = outcome(clients[role].get(url))
            assert got in (LOGIN, FORBIDDEN, NOT_FOUND, AWAY) and got != OK, f"{url} as {role}: {got}"
    staff = clients["service_center"]
    for url in ["/admin/", "/admin/consumers/consumercase/", "/admin/agents/agent/", "/admin/portal/auditevent/"]:
        assert staff.get(url).status_code == OK, url
