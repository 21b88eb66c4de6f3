"""Licensed agents and enrollment helpers, their profile for Find Local Help, and their certification."""

from typing import NamedTuple

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from portal.choices import CertificationStatus
from portal.choices import Language as LanguageCode
from portal.collation import name_sort_key
from portal.fields import LicenseNumberField, PersonNameField, PhoneField
from portal.models import Certifiable, TimeStampedModel
from portal.person import ChangesPeople
from portal.words import Label

BIOGRAPHY_MAX_LENGTH = 500


class Biography(NamedTuple):
    """A biography to show a reader: its text and the language it is written in (for the `lang` attribute)."""

    text: str
    language: str


class CodedQuerySet(models.QuerySet):
    def by_name(self):
        """In the alphabetical order of the names people read, in the active language."""
        names = sorted(self.model.CODES.choices, key=lambda choice: name_sort_key(str(choice[1])))
        return self.order_by(models.Case(*[models.When(code=code, then=i) for i, (code, _name) in enumerate(names)]))


class Coded(models.Model):
    """A row of reference data kept as a `code` of the Choices class CODES, and said through the catalogue."""

    CODES: type[models.Choices]

    objects = CodedQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self):
        # The enum's own lookup: get_code_display rebuilds a dict of every choice on each call, and Find Local
        # Help says a few hundred of these a page.
        return Label(self.CODES, self.code).say()


class Language(Coded):
    """A language a helper speaks; consumers search Find Local Help by it."""

    CODES = LanguageCode
    code = models.CharField(_("code"), max_length=3, choices=LanguageCode, unique=True)

    class Meta(Coded.Meta):
        verbose_name = _("language")
        verbose_name_plural = _("languages")


class Expertise(models.TextChoices):
    """The lines of business a helper can know: kept as codes, said in the reader's language."""

    INDIVIDUAL_FAMILY = "individual-family", _("Individual and family plans")
    SMALL_BUSINESS = "small-business", _("Small business (CCSB)")
    MEDI_CAL = "medi-cal", _("Medi-Cal")
    DENTAL = "dental", _("Dental")
    VISION = "vision", _("Vision")
    MEDICARE = "medicare", _("Medicare")


class ProductExpertise(Coded):
    """A line of business a helper knows (individual and family plans, small business, dental ...): one row per
    code of Expertise, so agents' choices are kept by code and shown through the catalogue."""

    CODES = Expertise
    code = models.CharField(_("code"), max_length=32, choices=Expertise, unique=True)

    class Meta(Coded.Meta):
        verbose_name = _("product expertise")
        verbose_name_plural = _("product expertise")


class AgentQuerySet(ChangesPeople):
    """An agent's profile and certification are among the facts kept of their person (portal.person)."""


class Agent(Certifiable, TimeStampedModel):
    """A certified insurance agent, Certified Enrollment Counselor or Plan-Based Enroller.

    One record per person and license, whatever agency they are in: an agent
    already certified elsewhere keeps their certification when they join an agency.
    """

    class Kind(models.TextChoices):
        AGENT = "agent", _("Certified Insurance Agent")
        CEC = "cec", _("Certified Enrollment Counselor")
        PBE = "pbe", _("Plan-Based Enroller")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("sign-in"), on_delete=models.PROTECT, related_name="agent"
    )
    kind = models.CharField(_("kind"), max_length=6, choices=Kind, default=Kind.AGENT)
    first_name = PersonNameField(_("first name"), max_length=100)
    last_name = PersonNameField(_("last name"), max_length=100)
    license_number = LicenseNumberField(
        _("license number"),
        unique=True,
        error_messages={"unique": _("An agent with this license number already exists.")},
    )
    license_expires_on = models.DateField(_("license expires on"), null=True, blank=True)
    email = models.EmailField(_("e-mail"))
    phone = PhoneField(_("phone"))
    languages = models.ManyToManyField(Language, verbose_name=_("languages spoken"), related_name="agents", blank=True)
    product_expertise = models.ManyToManyField(
        ProductExpertise, verbose_name=_("product expertise"), related_name="agents", blank=True
    )
    biography = models.CharField(
        _("biography (English)"),
        max_length=BIOGRAPHY_MAX_LENGTH,
        blank=True,
        help_text=_("A short introduction for consumers, in English, at most 500 characters."),
    )
    biography_es = models.CharField(
        _("biography (Spanish)"),
        max_length=BIOGRAPHY_MAX_LENGTH,
        blank=True,
        help_text=_(
            "The same introduction in Spanish, at most 500 characters, for consumers who read Find Local Help in "
            "Spanish. Without it they read the English one."
        ),
    )
    subsite_locations = models.ManyToManyField(
        "agencies.AgencyLocation",
        verbose_name=_("subsite locations"),
        related_name="agents",
        blank=True,
        help_text=_("Where consumers can meet this agent; shown in Find Local Help."),
    )
    is_listed = models.BooleanField(_("listed in Find Local Help"), default=True)
    preferred_language = models.CharField(
        _("language for e-mail"), max_length=8, choices=settings.LANGUAGES, default="en"
    )

    objects = AgentQuerySet.as_manager()

    class Meta:
        verbose_name = _("agent")
        verbose_name_plural = _("agents")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(license_number__regex=r"^[0-9][0-9A-Z][0-9]{5}$"), name="agent_license_number_format"
            ),
            models.CheckConstraint(
                condition=~Q(certification_status="certified") | Q(certified_on__isnull=False),
                name="agent_certified_has_date",
                violation_error_message=_("A certified agent needs the date of certification."),
            ),
        ]
        indexes = [models.Index(fields=["last_name", "first_name"], name="agent_name")]

    def __str__(self):
        return f"{self.first_name} {self.last_name} ({self.license_number})"

    @property
    def audit_label(self) -> str:
        return f"agent {self.license_number}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_certified(self) -> bool:
        return self.certification_status == CertificationStatus.CERTIFIED

    def biography_for(self, language: str | None) -> Biography | None:
        """The biography a reader of `language` sees: the Spanish one for Spanish, the English one otherwise; when
        that one is not written, the other (said by its `language`, for the page's `lang` attribute). None when
        neither is written."""
        written = {"en": self.biography.strip(), "es": self.biography_es.strip()}
        first = "es" if (language or "").split("-")[0] == "es" else "en"
        for code in (first, "en" if first == "es" else "es"):
            if written[code]:
                return Biography(written[code], code)
        return None

    @property
    def public_biography(self) -> Biography | None:
        """The biography in the language of the page being made (see biography_for)."""
        return self.biography_for(translation.get_language())


class CertificationReason(models.TextChoices):
    """Why an agent's certification changed: kept as a code, so the history reads in every language."""

    ADDED = "added", _("Added to the portal")
    TRAINING_VERIFIED = "training_verified", _("License and training verified")
    RENEWED = "renewed", _("Certification renewed")
    REINSTATED = "reinstated", _("Reinstated after review")
    LICENSE_UNDER_REVIEW = "license_under_review", _("License under review by the Department of Insurance")
    LICENSE_LAPSED = "license_lapsed", _("License lapsed")
    TRAINING_NOT_COMPLETED = "training_not_completed", _("Annual training not completed")
    COMPLAINT = "complaint", _("Complaint under investigation")
    AGREEMENT_TERMINATED = "agreement_terminated", _("Agreement terminated")
    NOT_RENEWED = "not_renewed", _("Certification not renewed")
    AGENT_REQUEST = "agent_request", _("At the agent's request")
    OTHER = "other", _("Other (said in the note)")


class CertificationChange(models.Model):
    """One change of an agent's certification status: who, when, why (a reason's code, and a note in the words of
    the person who made it). Never edited."""

    agent = models.ForeignKey(
        Agent, verbose_name=_("agent"), on_delete=models.CASCADE, related_name="certification_changes"
    )
    from_status = models.CharField(_("from"), max_length=12, choices=CertificationStatus, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=CertificationStatus)
    reason = models.CharField(_("reason"), max_length=32, choices=CertificationReason, blank=True)
    note = models.TextField(_("note"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        verbose_name = _("certification change")
        verbose_name_plural = _("certification history")
        ordering = ["agent", "-changed_at", "-id"]

    def __str__(self):
        return f"{self.agent}: {self.from_status or '—'} → {self.to_status}"

    @property
    def reason_shown(self) -> str:
        """The reason in the reader's language, with the note after it."""
        parts = [str(self.get_reason_display()) if self.reason else "", self.note.strip()]
        return " — ".join(part for part in parts if part)


class ExpiryReminder(models.Model):
    """A reminder sent before a license or certification expires: at most one per agent, kind and date."""

    class Kind(models.TextChoices):
        LICENSE = "license", _("License")
        CERTIFICATION = "certification", _("Certification")

    agent = models.ForeignKey(Agent, verbose_name=_("agent"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=13, choices=Kind)
    expires_on = models.DateField(_("expires on"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("expiry reminder")
        verbose_name_plural = _("expiry reminders")
        constraints = [
            models.UniqueConstraint(fields=["agent", "kind", "expires_on"], name="expiryreminder_once_per_date")
        ]

    def __str__(self):
        return f"{self.agent} {self.kind} {self.expires_on}"
