"""Delegations: a consumer's case entrusted to a helper, and managers acting on behalf of agents."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import AppendOnly


class Delegation(models.Model):
    """A case delegated to an agent, within the agency the agent was in at the time.

    A case has at most one Pending-or-Active delegation (a partial unique index);
    ended and declined ones stay as the case's history.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACTIVE = "active", _("Active")
        DECLINED = "declined", _("Declined")
        ENDED = "ended", _("Ended")

    class Origin(models.TextChoices):
        FIND_LOCAL_HELP = "find_local_help", _("Find Local Help")
        ACCESS_CODE = "access_code", _("Access code")
        NEW_BUSINESS = "new_business", _("New business")
        TRANSFER = "transfer", _("Transfer")
        STAFF = "staff", _("Service center")

    class EndReason(models.TextChoices):
        CONSUMER_REQUEST = "consumer_request", _("Consumer asked to remove the helper")
        TRANSFERRED = "transferred", _("Transferred to another agent")
        AGENT_INACTIVE = "agent_inactive", _("Agent no longer active")
        DECERTIFIED = "decertified", _("Agent no longer certified")
        CASE_CLOSED = "case_closed", _("Case closed")

    OPEN_STATUSES = (Status.PENDING, Status.ACTIVE)

    case = models.ForeignKey(
        "consumers.ConsumerCase", verbose_name=_("case"), on_delete=models.CASCADE, related_name="delegations"
    )
    agent = models.ForeignKey(
        "agents.Agent", verbose_name=_("agent"), on_delete=models.PROTECT, related_name="delegations"
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delegations",
        help_text=_("The agent's agency when the delegation began; empty for an unaffiliated agent."),
    )
    status = models.CharField(_("status"), max_length=8, choices=Status, default=Status.PENDING)
    origin = models.CharField(_("how it began"), max_length=16, choices=Origin)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    started_at = models.DateTimeField(_("delegation date"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    end_reason = models.CharField(_("why it ended"), max_length=16, choices=EndReason, blank=True)
    decline_reason = models.CharField(_("why it was declined"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    transferred_from = models.OneToOneField(
        "self",
        verbose_name=_("transferred from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="transferred_to",
    )

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status__in=["pending", "active"]),
                name="delegation_one_open_per_case",
                violation_error_message=_("This case already has a pending or active delegation."),
            ),
            models.CheckConstraint(
                condition=~Q(status="active") | Q(started_at__isnull=False), name="delegation_active_has_start"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["ended", "declined"]) | Q(ended_at__isnull=False),
                name="delegation_closed_has_end",
            ),
            models.CheckConstraint(
                condition=~Q(status="ended") | ~Q(end_reason=""), name="delegation_ended_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("requested_at")),
                name="delegation_ends_after_request",
            ),
        ]
        indexes = [
            models.Index(fields=["agent", "status"], name="delegation_agent_status"),
            models.Index(fields=["agency", "status"], name="delegation_agency_status"),
            # The request queue (Agency Delegations), newest or oldest first: a page is read along this index and
            # stops, instead of sorting the largest agency's 124,000 open delegations for each page.
            models.Index(
                fields=["agency", "requested_at", "id"],
                condition=Q(status__in=["pending", "active"]),
                name="delegation_open_by_request",
            ),
            # An agency's active cases, read from the index alone (Today's counts match items and cases against them).
            models.Index(fields=["agency", "case"], condition=Q(status="active"), name="delegation_active_cases"),
            # Its pending requests alone, oldest first (Today, the Pending tab): they are few among the open ones.
            models.Index(
                fields=["agency", "requested_at", "id"],
                condition=Q(status="pending"),
                name="delegation_pending_by_request",
            ),
        ]

    def __str__(self):
        return f"{self.case_id} → {self.agent_id} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def audit_label(self) -> str:
        return f"delegation #{self.pk} of case {self.case.case_number}"


class ConsentIsKept(Exception):
    """Raised on any attempt to change or delete a consent record."""


class Consent(AppendOnly):
    """The consumer's consent to one delegation, as it was given: who consented, to whom, when, how, and what it
    covers in the words and the language they were shown. Every delegation has one from the moment it is opened
    (delegations.services.open_delegation takes it), whichever way it began. Kept as written (the model refuses
    changes and deletes; on PostgreSQL a trigger refuses them to everyone and the portal's role may only insert)
    and never purged: CMS asks agents to keep consent records for at least ten years.

    A transfer between agents of an agency is not a new consent: its record `continues` the one before, and keeps
    when and by whom the consumer consented, so a case's chain leads back to what the consumer agreed to."""

    class Channel(models.TextChoices):
        FIND_LOCAL_HELP = "find_local_help", _("Find Local Help, with the case's access code")
        SIGNED_IN = "signed_in", _("Find Local Help, signed in to the consumer's account")
        ACCESS_CODE = "access_code", _("Access code")
        NEW_BUSINESS = "new_business", _("Write new business, on the agent's attestation")
        TRANSFER = "transfer", _("Transfer within the agency")
        STAFF = "staff", _("The service center, on the consumer's call")
        HISTORY = "history", _("Recorded later, from the delegation's history")

    refusal = ConsentIsKept
    kept_as = "Consent records"

    delegation = models.OneToOneField(
        Delegation, verbose_name=_("delegation"), on_delete=models.PROTECT, related_name="consent"
    )
    case = models.ForeignKey(
        "consumers.ConsumerCase", verbose_name=_("case"), on_delete=models.PROTECT, related_name="consents"
    )
    agent = models.ForeignKey("agents.Agent", verbose_name=_("to agent"), on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("to agency"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    channel = models.CharField(_("how"), max_length=16, choices=Channel)
    consented_by = models.CharField(
        _("who consented"), max_length=200, blank=True,
        help_text=_("The consumer as named on the case when they consented; empty when not recorded then."),
    )  # fmt: skip
    consented_at = models.DateTimeField(
        _("consent given"), help_text=_("For a transfer, when the consumer gave the consent it continues.")
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", help_text=_("Who recorded it: the agent who attested, staff, the manager who transferred; "
                                      "empty when the consumer sent it themselves."),
    )  # fmt: skip
    attested = models.BooleanField(
        _("attested by the agent"), default=False,
        help_text=_("Write new business: the agent attested that the consumer agreed."),
    )  # fmt: skip
    language = models.CharField(_("language shown"), max_length=8)
    covers = models.TextField(_("what it covers"), help_text=_("The words shown when consent was given."))
    continues = models.ForeignKey(
        "self", verbose_name=_("continues"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["case", "-recorded_at"], name="consent_case")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(channel="transfer") | Q(continues__isnull=False), name="consent_transfer_continues"
            ),
            models.CheckConstraint(
                condition=~Q(channel="new_business") | Q(attested=True), name="consent_new_business_attested"
            ),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} {self.consented_at:%Y-%m-%d} → {self.agent_id}"


class ActingOnBehalf(models.Model):
    """A manager working as one of their agency's agents, from start to stop."""

    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Agency Manager"),
        on_delete=models.PROTECT,
        related_name="acting_sessions",
    )
    agent = models.ForeignKey(
        "agents.Agent", verbose_name=_("on behalf of"), on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey("agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    ended_at = models.DateTimeField(_("stopped"), null=True, blank=True)

    class Meta:
        verbose_name = _("acting on behalf of an agent")
        verbose_name_plural = _("acting on behalf of agents")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["manager"], condition=Q(ended_at__isnull=True), name="acting_one_open_per_manager"
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")), name="acting_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.manager} as {self.agent}"
