"""What a person may see of the messages written with the service center. Every query starts here."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from consumers.models import ConsumerCase
from consumers.selectors import cases_for, own_cases_for
from portal.permissions import Capability, permissions_for
from portal.person import kept as kept_of

from .models import UNREAD_REPLY, Thread, ThreadMessage

UNREAD_KEPT_PART = "securemailbox:unread_replies"


def threads_for(user) -> QuerySet[Thread]:
    """A person's own threads with the service center, newest first; none for anyone who may not write to it."""
    if not permissions_for(user).allows(Capability.CHAT):
        return Thread.objects.none()
    return Thread.objects.filter(person_id=user.pk)


def threads_to_answer(user) -> QuerySet[Thread]:
    """The open threads whose person waits for an answer, the longest waiting first, with their person: for
    service-center staff who answer (ANSWER_CHAT); none for anyone else."""
    if not permissions_for(user).allows(Capability.ANSWER_CHAT):
        return Thread.objects.none()
    return (
        Thread.objects.filter(awaiting_answer_since__isnull=False, closed_at__isnull=True)
        .select_related("person")
        .order_by("awaiting_answer_since", "pk")
    )


def threads_staff_may_read(user) -> QuerySet[Thread]:
    """The threads a member of the service center may open: every one for a supervisor (READ_TRANSCRIPTS); for
    one who answers (ANSWER_CHAT), those waiting for an answer and those they answered or closed; none for
    anyone else (staff outside the chat group included)."""
    permissions = permissions_for(user)
    if permissions.allows(Capability.READ_TRANSCRIPTS):
        return Thread.objects.all()
    if permissions.allows(Capability.ANSWER_CHAT):
        answered_by_them = ThreadMessage.objects.filter(thread_id=OuterRef("pk"), author_id=user.pk)
        return Thread.objects.filter(
            Q(awaiting_answer_since__isnull=False, closed_at__isnull=True)
            | Q(closed_by_id=user.pk)
            | Exists(answered_by_them)
        )
    return Thread.objects.none()


def messages_of(thread: Thread) -> QuerySet[ThreadMessage]:
    """A thread's messages, oldest first (a thread the caller got through one of the functions above)."""
    return thread.messages.order_by("created_at", "pk")


def unread_replies(user) -> int:
    """How many of the person's threads have a reply from the service center they have not read: kept with the
    person (portal.person), so a page asks the database for it only after a change; 0 without CHAT."""
    if user is None or not user.is_authenticated or not permissions_for(user).allows(Capability.CHAT):
        return 0
    return kept_of(user).get(UNREAD_KEPT_PART, lambda: threads_for(user).filter(UNREAD_REPLY).count())


def forget_unread_replies(user) -> None:
    """Count the person's unread replies anew in this request too (after they read one: the header follows)."""
    kept_of(user).forget(UNREAD_KEPT_PART)


def cases_to_name(user) -> QuerySet[ConsumerCase]:
    """The cases a person may name in a message to the service center: a consumer's own case; a helper's or an
    agency's, those the consumers app lets them see (cases_for). Nobody else names one."""
    if not permissions_for(user).allows(Capability.CHAT):
        return ConsumerCase.objects.none()
    if permissions_for(user).allows(Capability.OWN_CASE):
        return own_cases_for(user)
    return cases_for(user)


def case_in_scope(user, case: ConsumerCase | None) -> ConsumerCase | None:
    """The case, if the person may still see it (a thread keeps its case after a delegation ends), else None."""
    if case is None or not cases_to_name(user).filter(pk=case.pk).exists():
        return None
    return case


def who_wrote(person) -> dict:
    """Who the person is, for the service center: their name, role, agency and license number (what the
    permission layer read of them: their Active membership and agent profile)."""
    permissions = permissions_for(person)
    membership, agent = permissions.membership, permissions.agent
    if membership is not None:
        role = membership.get_role_display()
    elif agent is not None:
        role = _("Agent in no agency")
    elif person.is_consumer:
        role = _("Consumer")
    else:
        role = _("No role in the portal")
    return {
        "name": person.get_full_name() or person.email,
        "email": person.email,
        "role": role,
        "agency": membership.agency if membership is not None else None,
        "license_number": agent.license_number if agent is not None else None,
    }
