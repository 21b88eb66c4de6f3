"""Book of Business: the weekly extract files and the exports people ask for online."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FileFormat(models.TextChoices):
    XLSX = "xlsx", _("Excel (XLSX)")
    CSV = "csv", _("CSV")


class Extract(models.Model):
    """One weekly extract file for an agent or an agency, published only once complete.

    A week's run writes under a temporary name, records rows and SHA-256, then
    publishes; a rerun of the same kind, scope and week finds it done.
    """

    class Kind(models.TextChoices):
        BOOK_OF_BUSINESS = "bob", _("Book of Business")
        CONDITIONAL_ELIGIBILITY = "ce", _("Conditional Eligibility")

    class Scope(models.TextChoices):
        AGENT = "agent", _("Agent")
        AGENCY = "agency", _("Agency")

    class Status(models.TextChoices):
        WRITING = "writing", _("Writing")
        PUBLISHED = "published", _("Published")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=3, choices=Kind)
    scope = models.CharField(_("scope"), max_length=6, choices=Scope)
    agent = models.ForeignKey(
        "agents.Agent",
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="extracts",
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("agency"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="extracts",
    )
    # An agent's extract lists consumers of the agency the agent was Active in when it was made: it is theirs to
    # download only while they are still in that agency (extranet.selectors.extracts_for). None: in no agency.
    made_in_agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("made in agency"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    week = models.DateField(_("week of"), help_text=_("The Monday the extract was made for."))
    file_format = models.CharField(_("format"), max_length=4, choices=FileFormat)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.WRITING)
    file = models.FileField(_("file"), max_length=300, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("extract")
        verbose_name_plural = _("extracts")
        ordering = ["-week", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(scope="agent") & Q(agent__isnull=False) & Q(agency__isnull=True))
                | (Q(scope="agency") & Q(agency__isnull=False) & Q(agent__isnull=True)),
                name="extract_scope_matches_owner",
            ),
            models.UniqueConstraint(
                fields=["kind", "agent", "week", "file_format"],
                condition=Q(scope="agent"),
                name="extract_one_per_agent_week",
            ),
            models.UniqueConstraint(
                fields=["kind", "agency", "week", "file_format"],
                condition=Q(scope="agency"),
                name="extract_one_per_agency_week",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | (Q(published_at__isnull=False) & ~Q(sha256="")),
                name="extract_published_is_complete",
            ),
        ]

    def __str__(self):
        owner = self.agent if self.scope == self.Scope.AGENT else self.agency
        return f"{self.get_kind_display()} {self.week} {owner} ({self.file_format})"


class BookOfBusinessExport(models.Model):
    """An export someone asked for online: exactly the rows their Book of Business view showed."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="book_exports"
    )
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    agent = models.ForeignKey(
        "agents.Agent", verbose_name=_("agent"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    file_format = models.CharField(_("format"), max_length=4, choices=FileFormat)
    status = models.CharField(_("status"), max_length=8, choices=Status, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(_("rows to write"), default=0)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), max_length=300, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)

    class Meta:
        verbose_name = _("Book of Business export")
        verbose_name_plural = _("Book of Business exports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_file_format_display()} {self.created_at:%Y-%m-%d %H:%M}"


class SavedView(models.Model):
    """A person's named view of their Book of Business: its filters, sort, columns and page size, kept as the
    list's own query string and opened as a link."""

    MAX_PER_PERSON = 20

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="book_views")
    name = models.CharField(_("name"), max_length=60)
    query = models.CharField(max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                "owner",
                Lower("name"),
                name="saved_view_name_unique_per_owner",
                violation_error_message=_("You already have a view with this name."),
            )  # fmt: skip
        ]

    def __str__(self):
        return self.name
