"""The lifecycle matrix: what each person can still reach of a consumer's data and the agency's files after the
change that moves them (issue 16).

Every person is signed in first (portal and, for agents, the Agent Extranet), makes an export while they may, and
only then passes through the change: made Inactive, moved to another agency, decertified, suspended, expired,
pending, a grant taken back, removed as Admin Staff, or an acting-on-behalf session while either side changes. Their
same sessions then ask for every URL that shows consumer data or serves a file. The rule of each state says which
of those URLs still give it; every other URL must give nothing (403, 404, or a page without the consumers' names
and case numbers). A state without a rule, or a URL of the kind without a rule, fails the test.
"""

import dataclasses
import datetime

import pytest
from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from agencies.models import AgencyDocument, Membership
from bookofbusiness.models import BookOfBusinessExport
from consumers.models import CaseDocument, ConsumerAccount, FollowUp
from delegations.models import ActingOnBehalf, Delegation
from delegations.services import transfer_delegations
from portal.models import User

from .extranet_support import IN_THE_WEEK_OF_MONDAY, active_account, extranet_client, published
from .factories import (
    ConsumerCaseFactory,
    MembershipFactory,
    admin_staff_in,
    agency_with_manager,
    agent_in,
    consumer,
    consumer_signed_in,
    delegate,
)
from .factories import sign_in as portal_sign_in

pytestmark = IN_THE_WEEK_OF_MONDAY

WEEK = datetime.date(2026, 11, 16)

# Every URL that shows consumer data or serves a file, and how a session asks for it.
URLS = {
    "consumers:case": ("get", "/cases/{case}/"),
    "consumers:download_document": ("get", "/cases/{case}/documents/{document}/"),
    "consumers:report_change": ("post", "/cases/{case}/changes/"),
    "consumers:upload_document": ("post", "/cases/{case}/documents/"),
    "consumers:record_renewal": ("post", "/cases/{case}/renewal/"),
    "consumers:add_note": ("post", "/cases/{case}/notes/"),
    "consumers:add_follow_up": ("post", "/cases/{case}/follow-ups/"),
    "consumers:follow_up_done": ("post", "/cases/{case}/follow-ups/{follow_up}/done/"),
    "bookofbusiness:book": ("get", "/book/"),
    "bookofbusiness:export": ("get", "/book/export/csv/"),
    "bookofbusiness:export_status": ("get", "/book/exports/{export}/"),
    "bookofbusiness:export_download": ("get", "/book/exports/{export}/download/"),
    "delegations:mine": ("get", "/delegations/mine/?status=active"),
    "delegations:mine_pending": ("get", "/delegations/mine/?status=pending"),
    "agencies:delegations": ("get", "/agency/delegations/"),
    "agencies:document_download": ("get", "/agency/account/documents/{agency_document}/"),
    "extranet:download": ("extranet", "/extranet/files/{extract}/download/"),
    "today": ("get", "/today/"),
    "agencies:assign_request": ("get", "/agency/delegations/{pending}/assign/"),
    # Acting on chosen rows: the case's delegation, or the pending request, ticked.
    "bookofbusiness:export_chosen": ("chosen", "/book/chosen/export/csv/", "delegation"),
    "bookofbusiness:transfer_chosen": ("chosen", "/book/chosen/transfer/", "delegation"),
    "agencies:give_chosen": ("chosen", "/agency/delegations/chosen/give/", "pending"),
    "search": ("get", "/search/?q=Vandermol"),  # not the whole name: the page repeats the words searched
    # A consumer's own case (My case); removing the helper last, as it changes what the others reach.
    "my_case:case": ("get", "/my-case/"),
    "my_case:document": ("get", "/my-case/documents/{document}/"),
    "my_case:upload": ("post", "/my-case/documents/"),
    "my_case:delegates": ("get", "/my-case/helpers/"),
    "my_case:remove": ("post", "/my-case/helpers/{delegation}/remove/"),
}
# URLs of these kinds that show no consumer data of their own (forms to start something new, the request form that
# any consumer fills in): everything else of the kind must be in URLS.
NOT_CONSUMER_DATA = {
    "consumers:new_business",
    "bookofbusiness:delete_view",
    "my_case:link",
}  # a saved view is the person's filter
# Agency pages that name a consumer, beyond the KINDS: each must be in URLS too.
OTHER_CONSUMER_PAGES = {"agencies:assign_request", "agencies:give_chosen", "search"}
KINDS = ("consumers:", "bookofbusiness:", "delegations:mine", "agencies:delegations", "agencies:document_download",
         "extranet:download", "today", "my_case:")  # fmt: skip

# Notes and follow-ups are kept by everyone of the agency who may see the case (Admin Staff allowed the book too).
NOTES = {"consumers:add_note", "consumers:add_follow_up", "consumers:follow_up_done"}
CASE_WORK = {"consumers:case", "consumers:download_document", "consumers:report_change", "consumers:upload_document",
             "consumers:record_renewal", *NOTES}  # fmt: skip
BOOK = {
    "bookofbusiness:book",
    "bookofbusiness:export",
    "bookofbusiness:export_status",
    "bookofbusiness:export_download",
    "bookofbusiness:export_chosen",
}
OWN = {"delegations:mine", "delegations:mine_pending", "extranet:download"}
NOTHING: set[str] = set()
MANAGER = CASE_WORK | BOOK | {"agencies:delegations", "agencies:document_download", "extranet:download", "today",
                              "agencies:assign_request", "bookofbusiness:transfer_chosen",
                              "agencies:give_chosen", "search"}  # fmt: skip
AGENT = CASE_WORK | BOOK | OWN | {"today", "search"}
STAFF_BOOK = {"consumers:case", "consumers:download_document", "bookofbusiness:book", "agencies:delegations", "today",
              "search", *NOTES}  # fmt: skip


MY_CASE = {"my_case:case", "my_case:document", "my_case:upload", "my_case:delegates", "my_case:remove"}
# The agent once the consumer removed them: their other consumers' requests, their own files and earlier export.
REMOVED = {"delegations:mine_pending", "extranet:download", "today", "bookofbusiness:export_status",
           "bookofbusiness:export_download"}  # fmt: skip


@dataclasses.dataclass
class State:
    who: str  # manager, agent, staff, acting, consumer
    change: str  # what happens after they signed in
    reaches: set[str]  # the URLs that still give them the consumer's data or the file
    grants: dict = dataclasses.field(default_factory=dict)  # Admin Staff's


STATES = {
    "manager": State("manager", "nothing", MANAGER),
    "manager made Inactive": State("manager", "inactive", NOTHING),
    "manager decertified": State("manager", "decertified", {"agencies:document_download"}),
    "agent Active": State("agent", "nothing", AGENT),
    "agent made Inactive (after a transfer)": State("agent", "inactive", NOTHING),
    "agent moved to another agency": State("agent", "moved", NOTHING),
    "agent decertified": State("agent", "decertified", NOTHING),
    "agent suspended": State("agent", "suspended", NOTHING),
    "agent expired": State("agent", "expired", NOTHING),
    "agent pending": State("agent", "pending", NOTHING),
    "Admin Staff who may view the roster": State("staff", "nothing", NOTHING, {"can_view_roster": True}),
    "Admin Staff who may view the book": State("staff", "nothing", STAFF_BOOK, {"can_view_book": True}),  # fmt: skip
    "Admin Staff who may view and export the book": State(
        "staff", "nothing", STAFF_BOOK | BOOK, {"can_view_book": True, "can_export_book": True}
    ),  # fmt: skip
    "Admin Staff whose export grant is taken back": State(
        "staff", "export grant taken back", STAFF_BOOK, {"can_view_book": True, "can_export_book": True}
    ),  # fmt: skip
    "Admin Staff who may edit the account": State(
        "staff", "nothing", {"agencies:document_download"}, {"can_edit_account": True}
    ),
    "Admin Staff removed from the agency": State(
        "staff",
        "inactive",
        NOTHING,
        {"can_view_roster": True, "can_view_book": True, "can_export_book": True, "can_edit_account": True},
    ),  # fmt: skip
    # Acting on behalf: the manager's session acts for the agent, then one side changes. What is left is the
    # manager's own reach (the session ended) or nothing.
    "acting, then the manager is made Inactive": State("acting", "manager inactive", NOTHING),
    "acting, then the manager is decertified": State("acting", "manager decertified", {"agencies:document_download"}),
    "acting, then the agent is made Inactive": State("acting", "agent inactive", MANAGER),
    "acting, then the agent moves to another agency": State("acting", "agent moved", MANAGER),
    # A consumer's own account, and the helper the consumer removes.
    "consumer": State("consumer", "nothing", MY_CASE),
    "consumer's account made inactive": State("consumer", "account inactive", NOTHING),
    "consumer unlinked by the service center": State("consumer", "unlinked", NOTHING),
    "consumer whose address is no longer confirmed": State("consumer", "unconfirmed", NOTHING),
    "agent removed by the consumer": State("agent", "removed by the consumer", REMOVED),
}


def test_every_url_with_consumer_data_or_a_file_has_a_rule():
    names = ({name for name in _url_names() if name.startswith(KINDS)} | OTHER_CONSUMER_PAGES) - NOT_CONSUMER_DATA
    missing = names - set(URLS)
    assert not missing, f"URLs with consumer data or files that the lifecycle matrix does not try: {sorted(missing)}"
    for name, state in STATES.items():
        unknown = state.reaches - set(URLS)
        assert not unknown, f"{name}: rule names URLs that are not tried: {unknown}"


@pytest.mark.parametrize("name", list(STATES))
def test_lifecycle_matrix(name):
    state = STATES[name]
    world = _world()
    person, portal, extranet = _signed_in(world, state)
    _change(world, state, person)
    failures = []
    for url_name, (method, route, *chosen) in URLS.items():
        url = route.format(**world["ids"])
        client = extranet if method == "extranet" else portal
        if method == "chosen":
            held = Delegation.objects.filter(case=world["case"], status="active").values_list("pk", flat=True)
            ticked = (
                world["ids"][chosen[0]] if chosen[0] != "delegation" else (held.first() or world["ids"]["delegation"])
            )
            response = client and client.post(url, {"chosen": ticked, "filters": ""})
        else:
            response = client and getattr(client, "get" if method == "extranet" else method)(url)
        reached = response is not None and _reached(response, url_name, world)
        if reached != (url_name in state.reaches):
            status = None if response is None else response.status_code
            failures.append(f"{url_name} ({url}): {'reached' if reached else 'refused'} with {status}")
        if not reached and response is not None:
            leaked = [secret for secret in world["secrets"] if secret in _body(response)]
            if leaked:
                failures.append(f"{url_name} ({url}) refused yet shows {leaked}")
    if state.who == "acting":
        assert not ActingOnBehalf.objects.filter(ended_at__isnull=True).exists(), "the acting session has ended"
    assert not failures, f"{name}:\n" + "\n".join(failures)


# -- the world ---------------------------------------------------------------------------------------------------


def _world():
    agency, manager = agency_with_manager(public_name="Lifecycle Agency")
    agent, colleague = agent_in(agency), agent_in(agency)
    case = ConsumerCaseFactory(first_name="Quintessa", last_name="Vandermolen")
    delegate(case, agent=agent, agency=agency)
    pending = delegate(ConsumerCaseFactory(last_name="Pendergrass"), agent=agent, agency=agency, status="pending")
    document = CaseDocument.objects.create(
        case=case, kind="income", file=ContentFile(b"%PDF-1.7 Vandermolen", "d.pdf"), original_name="paystub.pdf",
        content_type="application/pdf", size=20, sha256="e" * 64,
    )  # fmt: skip
    agency_document = AgencyDocument.objects.create(
        agency=agency, kind="license", file=ContentFile(b"%PDF-1.7 license", "l.pdf"), original_name="license.pdf",
        content_type="application/pdf", size=16, sha256="d" * 64,
    )  # fmt: skip
    follow_up = FollowUp.objects.create(case=case, agency=agency, helper=agent, owner=agent.user,
                                        created_by=agent.user, due_date=WEEK, text="Call back")  # fmt: skip
    return {
        "consumer": consumer(case),
        "agency": agency,
        "manager": manager,
        "agent": agent,
        "colleague": colleague,
        "case": case,
        "secrets": [case.case_number, case.last_name, pending.case.case_number, pending.case.last_name],
        "ids": {
            "case": case.pk,
            "document": document.pk,
            "agency_document": agency_document.pk,
            "pending": pending.pk,
            "delegation": Delegation.objects.get(case=case, status="active").pk,
            "follow_up": follow_up.pk,
        },  # fmt: skip
    }


def _signed_in(world, state):
    """The person of the state, signed in to the portal (and the extranet), with an export they made."""
    agency = world["agency"]
    extranet, extract = None, None
    if state.who == "consumer":
        world["ids"].update(export=0, extract=0)
        portal = consumer_signed_in(world["consumer"])
        assert portal.get("/my-case/").status_code == 200  # their facts are kept from here on (portal.person)
        return world["consumer"], portal, None
    if state.who == "staff":
        person = admin_staff_in(agency, **state.grants)
    elif state.who == "agent":
        person = world["agent"].user
        extract = published("agent", world["agent"], WEEK)
        extranet = extranet_client(active_account(world["agent"]))
    else:
        person = world["manager"].user
        extract = published("agency", agency, WEEK)
        extranet = extranet_client(active_account(world["manager"]))
    portal = portal_sign_in(Client(), person)
    if state.who == "acting":
        assert portal.post(f"/delegations/acting/{world['agent'].pk}/start/").status_code == 302
        assert ActingOnBehalf.objects.filter(ended_at__isnull=True).count() == 1
    export = BookOfBusinessExport.objects.create(
        requested_by=person, agency=agency, file_format="csv", status="ready", rows_total=1, rows_written=1,
        file=ContentFile(f"case\n{world['case'].case_number}\n".encode(), "e.csv"), sha256="f" * 64,
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )  # fmt: skip
    world["ids"].update(export=export.pk, extract=extract.pk if extract else 0)
    return person, portal, extranet


def _change(world, state, person):
    agency, agent, manager = world["agency"], world["agent"], world["manager"]

    def leave(user):
        if user == agent.user:
            transfer_delegations(by=manager.user, agency=agency, from_agent=agent, to_agent=world["colleague"])
            Delegation.objects.filter(agent=agent, status="pending").update(agent=world["colleague"])
        Membership.objects.filter(user=user, status="active").update(status="inactive", ended_on=timezone.localdate())

    def certification(who, status):
        who.certification_status = status
        who.save()

    change = state.change
    if change == "nothing":
        return
    if change in ("inactive", "moved"):
        leave(person)
        if change == "moved":
            MembershipFactory(user=person, agency=agency_with_manager()[0], role=Membership.Role.AGENT)
    elif change in ("decertified", "suspended", "expired", "pending"):
        certification(person.agent, change)
    elif change == "export grant taken back":
        Membership.objects.filter(user=person).update(can_export_book=False)
    elif change == "account inactive":
        User.objects.filter(pk=person.pk).update(is_active=False)  # a bulk update: ChangesPeople
    elif change == "unlinked":
        ConsumerAccount.objects.filter(user=person).delete()
    elif change == "unconfirmed":
        for address in EmailAddress.objects.filter(user=person):  # as staff un-confirm it in admin
            address.verified = False
            address.save()
    elif change == "removed by the consumer":
        consumer_signed_in(world["consumer"]).post(f"/my-case/helpers/{world['ids']['delegation']}/remove/")
    elif change == "manager inactive":
        leave(manager.user)
    elif change == "manager decertified":
        certification(manager, "decertified")
    elif change in ("agent inactive", "agent moved"):
        leave(agent.user)
        if change == "agent moved":
            MembershipFactory(user=agent.user, agency=agency_with_manager()[0], role=Membership.Role.AGENT)
    else:
        raise AssertionError(f"no such change: {change}")


# -- what a response gives ------------------------------------------------------------------------------------------


def _reached(response, url_name, world) -> bool:
    """Whether the response gave the person the consumer's data, the file, or the action on the case."""
    status = response.status_code
    if status in (403, 404, 405, 410):
        return False
    if status in (301, 302):
        location = response["Location"]
        if "/accounts/login/" in location or "/extranet/sign-in/" in location:
            return False
        # An action on the case was taken (or refused with a message on the case page); an export queued.
        acts = ("consumers:report_change", "consumers:upload_document", "consumers:record_renewal",
                "bookofbusiness:export", *NOTES)  # fmt: skip
        if url_name == "my_case:remove":
            return location == "/my-case/helpers/"
        return url_name in acts and ("/cases/" in location or "/book/" in location)
    body = _body(response)
    if url_name in ("consumers:download_document", "my_case:document"):
        return "Vandermolen" in body
    if url_name in ("agencies:document_download", "extranet:download", "bookofbusiness:export_status"):
        return status == 200
    if url_name == "delegations:mine_pending":
        return world["secrets"][2] in body
    if url_name == "agencies:assign_request":
        return world["secrets"][2] in body
    if url_name in ("bookofbusiness:transfer_chosen", "agencies:give_chosen"):
        return status == 200 and ("1 case is chosen." in body or "1 pending request is chosen." in body)
    if url_name == "today":
        return any(secret in body for secret in world["secrets"])
    return world["case"].case_number in body


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace")


def _url_names(patterns=None, namespace=""):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            yield from _url_names(
                entry.url_patterns, f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            )
        elif isinstance(entry, URLPattern) and entry.name:
            yield namespace + entry.name
