"""Consumer cases: the applicant and household, enrollments, conditional-eligibility items, documents."""

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.choices import Language
from portal.fields import CaseNumberField, PersonNameField, PhoneField
from portal.models import Address, PrivateFile, TimeStampedModel

MONEY = {"max_digits": 9, "decimal_places": 2}

# The issuers of the California marketplace, for choosing and filtering.
ISSUERS = [
    "Aetna CVS Health", "Anthem Blue Cross", "Blue Shield of California", "Chinese Community Health Plan",
    "Health Net", "Kaiser Permanente", "L.A. Care Health Plan", "Molina Healthcare", "Oscar Health Plan",
    "Sharp Health Plan", "Valley Health Plan", "Western Health Advantage",
]  # fmt: skip


class ConsumerCase(Address, TimeStampedModel):
    """A household's case with the marketplace, known by its case number; the address is the applicant's."""

    class CostSharingLevel(models.TextChoices):
        NONE = "none", _("None")
        CSR_73 = "73", _("Enhanced Silver 73")
        CSR_87 = "87", _("Enhanced Silver 87")
        CSR_94 = "94", _("Enhanced Silver 94")
        ZERO = "zero", _("Zero cost sharing (AI/AN)")
        LIMITED = "limited", _("Limited cost sharing (AI/AN)")

    class RenewalStatus(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        RENEWED = "renewed", _("Renewed")
        NOT_RENEWING = "not_renewing", _("Not renewing")

    case_number = CaseNumberField(
        _("case number"), unique=True, error_messages={"unique": _("A case with this case number already exists.")}
    )
    first_name = PersonNameField(_("first name"), max_length=100)
    last_name = PersonNameField(_("last name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"))
    email = models.EmailField(_("e-mail"), blank=True)
    phone = PhoneField(_("phone"), blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=3, choices=Language, default=Language.ENGLISH
    )
    max_aptc = models.DecimalField(_("APTC eligible (monthly)"), default=Decimal("0.00"), **MONEY)
    cost_sharing_level = models.CharField(
        _("cost-sharing level"), max_length=8, choices=CostSharingLevel, default=CostSharingLevel.NONE
    )
    renewal_status = models.CharField(
        _("renewal status"), max_length=12, choices=RenewalStatus, default=RenewalStatus.NOT_STARTED
    )
    # What the case's history (portal.changes) says only "changed" of, never old or new: the applicant's identity,
    # contact, address and money. Names that are not fields of the case are what a change report may change.
    HISTORY_SENSITIVE = frozenset({
        "first_name", "last_name", "date_of_birth", "email", "phone", "street", "city", "zip_code", "county",
        "max_aptc", "annual_income", "household",
    })  # fmt: skip
    HISTORY_LABELS = {"annual_income": _("yearly household income"), "household": _("household")}
    # The enrollment the Book of Business shows (the latest plan year's), kept by the services that
    # write enrollments, so a page of 100,000 cases sorts and filters on it with a join, not a subquery.
    current_enrollment = models.ForeignKey(
        "Enrollment",
        verbose_name=_("current enrollment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("consumer case")
        verbose_name_plural = _("consumer cases")
        ordering = ["last_name", "first_name", "case_number"]
        constraints = [
            models.CheckConstraint(condition=Q(case_number__regex=r"^[0-9]{10}$"), name="case_number_ten_digits"),
            models.CheckConstraint(condition=Q(max_aptc__gte=0), name="case_max_aptc_not_negative"),
        ]
        indexes = [
            models.Index(
                fields=["last_name", "first_name", "date_of_birth", "zip_code"], name="case_applicant_identity"
            ),
            # The Book of Business's sorts on the case's own columns, ties broken by the case: the database walks
            # one of these and keeps the cases of the book, instead of joining and sorting a whole 100,000-case
            # agency for every page.
            models.Index(fields=["last_name", "first_name", "id"], name="case_sort_name"),
            models.Index(fields=["county", "id"], name="case_sort_county"),
            models.Index(fields=["preferred_language", "id"], name="case_sort_language"),
            models.Index(fields=["renewal_status", "id"], name="case_sort_renewal"),
        ]

    def __str__(self):
        return f"{self.case_number} {self.first_name} {self.last_name}"

    @property
    def audit_label(self) -> str:
        return f"case {self.case_number}"

    @property
    def applicant_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class HouseholdMember(models.Model):
    """Someone in the household besides the primary applicant."""

    class Relationship(models.TextChoices):
        SPOUSE = "spouse", _("Spouse or domestic partner")
        CHILD = "child", _("Child")
        PARENT = "parent", _("Parent")
        OTHER = "other", _("Other relative")

    case = models.ForeignKey(
        ConsumerCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="household_members"
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"))
    relationship = models.CharField(_("relationship"), max_length=8, choices=Relationship)
    seeks_coverage = models.BooleanField(_("applying for coverage"), default=True)

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        ordering = ["case", "date_of_birth"]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"


class Enrollment(models.Model):
    """A plan the household is enrolled in for a plan year."""

    class MetalTier(models.TextChoices):
        BRONZE = "bronze", _("Bronze")
        SILVER = "silver", _("Silver")
        GOLD = "gold", _("Gold")
        PLATINUM = "platinum", _("Platinum")
        MINIMUM = "minimum", _("Minimum Coverage")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        EFFECTUATED = "effectuated", _("Effectuated")
        TERMINATED = "terminated", _("Terminated")
        CANCELLED = "cancelled", _("Cancelled")

    case = models.ForeignKey(
        ConsumerCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="enrollments"
    )
    plan_year = models.PositiveSmallIntegerField(_("plan year"))
    issuer = models.CharField(_("issuer"), max_length=80)
    plan_name = models.CharField(_("plan name"), max_length=120)
    metal_tier = models.CharField(_("metal tier"), max_length=8, choices=MetalTier)
    monthly_premium = models.DecimalField(_("monthly premium"), **MONEY)
    aptc = models.DecimalField(_("APTC"), default=Decimal("0.00"), **MONEY)
    net_premium = models.GeneratedField(
        expression=F("monthly_premium") - F("aptc"),
        output_field=models.DecimalField(**MONEY),
        db_persist=True,
        verbose_name=_("net premium"),
    )
    coverage_start = models.DateField(_("coverage start"))
    coverage_end = models.DateField(_("coverage end"))
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.PENDING)
    # The agency whose Book of Business holds the case now (its Active delegation's), copied here so an agency's
    # book sorts along an index of its own enrollments (below). Kept by database triggers (migration 0012) on
    # every write to delegations and every new enrollment, bulk updates and raw SQL included; never by the code.
    book_agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("in the Book of Business of"), on_delete=models.DO_NOTHING,
        db_constraint=False, db_index=False, null=True, blank=True, editable=False, related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        ordering = ["case", "-plan_year", "-coverage_start"]
        constraints = [
            models.CheckConstraint(condition=Q(monthly_premium__gte=0), name="enrollment_premium_not_negative"),
            models.CheckConstraint(
                condition=Q(aptc__gte=0) & Q(aptc__lte=F("monthly_premium")),
                name="enrollment_aptc_within_premium",
                violation_error_message=_("APTC cannot be negative or more than the premium."),
            ),
            models.CheckConstraint(
                condition=Q(coverage_end__gte=F("coverage_start")),
                name="enrollment_coverage_ends_after_start",
                violation_error_message=_("Coverage must end on or after the day it starts."),
            ),
            models.CheckConstraint(
                condition=Q(plan_year__gte=2014) & Q(plan_year__lte=2100), name="enrollment_plan_year_range"
            ),
        ]
        indexes = [
            models.Index(fields=["case", "-plan_year"], name="enrollment_case_year"),
            # The Book of Business's sorts on the current enrollment's columns (see bookofbusiness.selectors).
            models.Index(fields=["issuer", "id"], name="enrollment_sort_issuer"),
            models.Index(fields=["metal_tier", "id"], name="enrollment_sort_tier"),
            models.Index(fields=["monthly_premium", "id"], name="enrollment_sort_premium"),
            models.Index(fields=["net_premium", "id"], name="enrollment_sort_net"),
            models.Index(fields=["status", "id"], name="enrollment_sort_status"),
            # The same sorts within one agency's book: its page 30 reads about 1,500 entries, not the 16,500 of
            # every agency's that the indexes above hold before the 1,500th of the largest agency's.
            models.Index(fields=["book_agency", "issuer", "id"], name="enrollment_book_issuer"),
            models.Index(fields=["book_agency", "metal_tier", "id"], name="enrollment_book_tier"),
            models.Index(fields=["book_agency", "monthly_premium", "id"], name="enrollment_book_premium"),
            models.Index(fields=["book_agency", "net_premium", "id"], name="enrollment_book_net"),
            models.Index(fields=["book_agency", "status", "id"], name="enrollment_book_status"),
        ]

    def __str__(self):
        return f"{self.plan_year} {self.issuer} {self.plan_name}"


class Verification(models.Model):
    """A conditional-eligibility item: something the household must prove by a due date."""

    class Kind(models.TextChoices):
        INCOME = "income", _("Income")
        CITIZENSHIP = "citizenship", _("Citizenship")
        LAWFUL_PRESENCE = "lawful_presence", _("Lawful presence")
        SSN = "ssn", _("Social Security number")
        INCARCERATION = "incarceration", _("Incarceration status")
        MINIMUM_ESSENTIAL_COVERAGE = "mec", _("Other minimum essential coverage")
        RESIDENCY = "residency", _("California residency")
        AMERICAN_INDIAN = "ai_an", _("American Indian / Alaska Native status")

    class Status(models.TextChoices):
        OPEN = "open", _("Documents needed")
        SUBMITTED = "submitted", _("Submitted")
        VERIFIED = "verified", _("Verified")
        EXPIRED = "expired", _("Expired")

    OPEN_STATUSES = (Status.OPEN, Status.SUBMITTED)
    # Overdue is an item still waiting for its documents past its due date: one whose documents are submitted
    # waits for the marketplace's review, not for the helper, and is never called overdue.
    AWAITING_DOCUMENTS = Status.OPEN

    case = models.ForeignKey(
        ConsumerCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="verifications"
    )
    household_member = models.ForeignKey(
        HouseholdMember,
        verbose_name=_("household member"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="verifications",
        help_text=_("Empty when the item is the primary applicant's."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.OPEN)
    due_date = models.DateField(_("due date"))
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)

    class Meta:
        verbose_name = _("conditional-eligibility item")
        verbose_name_plural = _("conditional-eligibility items")
        ordering = ["case", "due_date"]
        indexes = [
            models.Index(
                fields=["case", "due_date"],
                condition=Q(status__in=["open", "submitted"]),
                name="verification_open_due",
            ),
            # The Book of Business sorted by items due walks this (see bookofbusiness.selectors.DueSorted).
            models.Index(
                fields=["due_date", "case"],
                condition=Q(status__in=["open", "submitted"]),
                name="verification_open_by_due",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def documents_needed(self) -> str:
        """What the household can send to prove it, as the consumer's page says it."""
        return DOCUMENTS_NEEDED[self.kind]

    def days_left(self, today=None) -> int:
        today = today or timezone.localdate()
        return (self.due_date - today).days


# What each kind of conditional-eligibility item can be proved with, in the consumer's words.
DOCUMENTS_NEEDED = {
    Verification.Kind.INCOME: _(
        "A recent pay stub, last year's tax return, or a letter from your employer that says what you earn."
    ),
    Verification.Kind.CITIZENSHIP: _(
        "A U.S. passport, a U.S. birth certificate, or a certificate of naturalization or citizenship."
    ),
    Verification.Kind.LAWFUL_PRESENCE: _(
        "Your immigration document, such as a Permanent Resident Card (green card), "
        "an employment authorization card or an I-94."
    ),
    Verification.Kind.SSN: _(
        "Your Social Security card, or a letter from the Social Security Administration with your number."
    ),
    Verification.Kind.INCARCERATION: _(
        "Release papers, or a letter from the facility or court with the date you were released."
    ),
    Verification.Kind.MINIMUM_ESSENTIAL_COVERAGE: _(
        "A letter from the employer or program that says your other coverage ended, or that it is not offered to you."
    ),
    Verification.Kind.RESIDENCY: _(
        "A California driver's license or ID card, a utility bill, or a lease or rental agreement in your name."
    ),
    Verification.Kind.AMERICAN_INDIAN: _(
        "A tribal enrollment card, a letter from your tribe, or a Certificate of Degree of Indian Blood."
    ),
}


class VerificationReminder(models.Model):
    """A deadline reminder e-mailed to the consumer: one per item and threshold (15, 5 or 1 days before), ever.
    The row is written before the e-mail is sent, so two runs at once send it once (the unique constraint)."""

    verification = models.ForeignKey(
        Verification,
        verbose_name=_("conditional-eligibility item"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    days_before = models.PositiveSmallIntegerField(_("days before the due date"))
    due_date = models.DateField(_("due date reminded of"))
    sent_on = models.DateField(_("sent on"))

    class Meta:
        verbose_name = _("deadline reminder")
        verbose_name_plural = _("deadline reminders")
        ordering = ["verification", "-days_before"]
        constraints = [
            models.UniqueConstraint(fields=["verification", "days_before"], name="verification_reminder_once")
        ]

    def __str__(self):
        return f"{self.verification_id}: {self.days_before} days before {self.due_date:%Y-%m-%d}"


def case_document_path(instance, filename):
    # `filename` is random (PrivateFile.store), never the uploaded name.
    return f"cases/{instance.case_id}/{timezone.now():%Y/%m}/{filename}"


class CaseDocument(PrivateFile):
    """A document uploaded for a case, usually to clear a conditional-eligibility item."""

    class Kind(models.TextChoices):
        INCOME = "income", _("Proof of income")
        IDENTITY = "identity", _("Proof of identity")
        CITIZENSHIP = "citizenship", _("Proof of citizenship or lawful presence")
        RESIDENCY = "residency", _("Proof of residency")
        OTHER = "other", _("Other")

    case = models.ForeignKey(ConsumerCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="documents")
    verification = models.ForeignKey(
        Verification,
        verbose_name=_("conditional-eligibility item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    file = models.FileField(_("file"), max_length=300, upload_to=case_document_path)

    class Meta:
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")
        ordering = ["case", "-uploaded_at"]


class ChangeReport(models.Model):
    """A change a helper reported on the household's behalf (address, phone, income, household)."""

    class Kind(models.TextChoices):
        ADDRESS = "address", _("Address")
        PHONE = "phone", _("Phone")
        INCOME = "income", _("Income")
        HOUSEHOLD = "household", _("Household")

    # What each kind of change changes (and its form asks for).
    FIELDS = {
        Kind.ADDRESS: ("street", "city", "zip_code", "county"),
        Kind.PHONE: ("phone",),
        Kind.INCOME: ("annual_income",),
        Kind.HOUSEHOLD: ("household",),
    }

    case = models.ForeignKey(
        ConsumerCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="change_reports"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    details = models.JSONField(_("details"), default=dict)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(_("reported"), default=timezone.now)

    class Meta:
        verbose_name = _("change report")
        verbose_name_plural = _("change reports")
        ordering = ["case", "-reported_at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.reported_at:%Y-%m-%d}"


class AccessCode(models.Model):
    """A code a consumer gives a helper to delegate their case. Only its hash is kept.

    Service-center staff generate it after verifying the consumer's identity; it
    is shown once, expires, and works once.
    """

    case = models.ForeignKey(
        ConsumerCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="access_codes"
    )
    code_hash = models.CharField(_("code hash"), max_length=200, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("generated by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("generated"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    identity_checks = models.JSONField(
        _("identity checks"), default=dict, blank=True, help_text=_("How staff verified the consumer's identity.")
    )

    class Meta:
        verbose_name = _("access code")
        verbose_name_plural = _("access codes")
        ordering = ["case", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")), name="accesscode_expires_after_creation"
            )
        ]

    def __str__(self):
        return f"{self.case.case_number} — {self.created_at:%Y-%m-%d}"

    def set_code(self, raw_code: str) -> None:
        self.code_hash = make_password(raw_code)

    def check_code(self, raw_code: str) -> bool:
        return check_password(raw_code, self.code_hash)

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.used_at is None and now < self.expires_at


class ConsumerAccount(models.Model):
    """A consumer's own account linked to their case, by the case number and an access code: one account per case,
    one case per account. Kept while both are; the link is the only way a consumer's account reaches a case."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.PROTECT, related_name="consumer_account"
    )
    case = models.OneToOneField(ConsumerCase, verbose_name=_("case"), on_delete=models.PROTECT, related_name="account")
    linked_at = models.DateTimeField(_("linked"), default=timezone.now)

    class Meta:
        verbose_name = _("consumer account")
        verbose_name_plural = _("consumer accounts")
        ordering = ["-linked_at"]

    def __str__(self):
        return f"{self.case.case_number} — {self.user.email}"

    @property
    def audit_label(self) -> str:
        return f"case {self.case.case_number}"


NOTE_MAX_LENGTH = 1000


class CaseNote(models.Model):
    """A short note on a case, private to whoever holds the case: the agency, or the independent agent."""

    case = models.ForeignKey(ConsumerCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="notes")
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The agency whose case it was when the note was written; empty for an independent agent."),
    )
    helper = models.ForeignKey(
        "agents.Agent",
        verbose_name=_("helper"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The agent the case was delegated to when the note was written."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(_("note"), max_length=NOTE_MAX_LENGTH)
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["case", "agency", "-created_at"], name="casenote_case_agency")]

    def __str__(self):
        return f"{self.case_id} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def audit_label(self) -> str:
        return f"note #{self.pk} on case {self.case.case_number}"


FOLLOW_UP_MAX_LENGTH = 200


class FollowUp(models.Model):
    """Something to do on a case by a day, owned by one person of whoever holds the case; open until done."""

    case = models.ForeignKey(ConsumerCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="follow_ups")
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The agency whose case it was when the follow-up was added; empty for an independent agent."),
    )
    helper = models.ForeignKey(
        "agents.Agent",
        verbose_name=_("helper"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The agent the case was delegated to when the follow-up was added."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("whose"), on_delete=models.PROTECT, related_name="follow_ups"
    )
    due_date = models.DateField(_("due date"))
    text = models.CharField(_("what to do"), max_length=FOLLOW_UP_MAX_LENGTH)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(done_at__isnull=True, done_by__isnull=True)
                | Q(done_at__isnull=False, done_by__isnull=False),
                name="followup_done_has_who_and_when",
            )
        ]
        indexes = [
            # Today's "follow-ups due" (a person's open ones by due date) and the Book of Business's next follow-up
            # and follow-up filters (a case's open ones): only the open ones are ever looked for.
            models.Index(fields=["owner", "due_date"], condition=Q(done_at__isnull=True), name="followup_open_owner"),
            models.Index(fields=["case", "due_date"], condition=Q(done_at__isnull=True), name="followup_open_case"),
        ]

    def __str__(self):
        return f"{self.case_id} {self.due_date:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.done_at is None

    def days_left(self, today=None) -> int:
        today = today or timezone.localdate()
        return (self.due_date - today).days

    @property
    def audit_label(self) -> str:
        return f"follow-up #{self.pk} on case {self.case.case_number}"
