"""Moving chosen delegations to one agent — cases of the Book of Business, requests of the queue — in two steps
that cannot surprise: the first says how many will move, from which agents and to whom; the second moves exactly
what was shown, or, when the choice or the rows changed in between, says so and asks again."""

import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.db.models import Count, QuerySet
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .forms import TransferForm
from .models import Delegation
from .services import DelegationError


@dataclass
class MoveReview:
    form: TransferForm
    to_agent: object | None
    ids: list[int]
    moving: int
    staying: int
    too_many: bool
    confirmed: bool
    fingerprint: str = ""  # of exactly the rows that would move: confirming is for those, not just as many
    problem: str = ""  # why nothing can move as chosen, for the top of the form
    givers: list = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return bool(self.problem or (self.form.is_bound and self.form.errors))


def review_move(data, rows: QuerySet[Delegation], *, receivers, limit: int | None = None, label=None) -> MoveReview:
    """Review moving the chosen `rows` (already scoped and filtered) to the agent `data` names among `receivers`
    (`label`: the agent field's, when it is not "Transfer to"). `confirmed` is True only on the confirming step,
    for the same agent and the same count the person was shown."""
    limit = settings.BULK_TRANSFER_LIMIT if limit is None else limit
    confirming = data.get("step") == "confirm"
    form = TransferForm(data if confirming or data.get("to_agent") else None, agents=receivers)
    if label is not None:
        form.fields["to_agent"].label = label
    to_agent = form.cleaned_data["to_agent"] if form.is_bound and form.is_valid() else None
    ids = list(rows.order_by().values_list("pk", flat=True)[: limit + 1])
    too_many = len(ids) > limit
    movable = Delegation.objects.filter(pk__in=ids)
    if to_agent is not None:
        movable = movable.exclude(agent=to_agent)
    moving_ids = sorted(movable.values_list("pk", flat=True))
    moving = len(moving_ids)
    fingerprint = hashlib.sha256(",".join(map(str, moving_ids)).encode()).hexdigest()[:32]
    confirmed, problem = False, ""
    if too_many:
        problem = _("At most %(limit)s can be moved at once. Narrow the filter and move them in parts.") % {
            "limit": f"{limit:,}"}  # fmt: skip
    elif not ids:
        problem = _("Nothing you chose is in the list as it is filtered now, so nothing would move. Go back and "
                    "choose again.")  # fmt: skip
    elif to_agent is not None and moving == 0:
        form.add_error("to_agent", _("Everything chosen is already with this agent. Choose another agent."))
    elif confirming and to_agent is not None and data.get("expected_agent") == str(to_agent.pk):
        if str(moving) == data.get("expected") and fingerprint == data.get("expected_ids"):
            confirmed = True
        else:
            problem = ngettext("What you chose changed since you looked: %(count)s would move now. Check and "
                               "confirm again.",
                               "What you chose changed since you looked: %(count)s would move now. Check and "
                               "confirm again.", moving) % {"count": f"{moving:,}"}  # fmt: skip
    givers = [] if too_many else list(
        movable.values("agent__first_name", "agent__last_name", "agent__license_number")
        .annotate(n=Count("pk")).order_by("-n", "agent__last_name")[:50]
    )  # fmt: skip
    return MoveReview(form=form, to_agent=to_agent, ids=ids, moving=moving, staying=len(ids) - moving,
                      too_many=too_many, confirmed=confirmed, fingerprint=fingerprint, problem=problem,
                      givers=givers)  # fmt: skip


def confirm_move(request, review: MoveReview, *, move, done, selection, back: str, kind: str):
    """The end of either step: on a confirmed review, `move(ids, to_agent)` moves them and the person goes `back`
    told `done(count)` (a message with %(count)s and %(name)s); otherwise the review is shown (400 when refused)."""
    if review.confirmed:
        try:
            count = move(review.ids, review.to_agent)
        except DelegationError as error:
            review.problem = str(error)
        else:
            messages.success(request, done(count) % {"count": f"{count:,}", "name": review.to_agent.full_name})
            return redirect(back)
    return render(request, "delegations/move_chosen.html",
                  {"review": review, "selection": selection, "back": back, "kind": kind},
                  status=400 if review.refused else 200)  # fmt: skip
