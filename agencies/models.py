"""Agencies, their locations ("subsites"), documents, and the people who belong to them."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.choices import CertificationStatus, MembershipRole, MembershipStatus
from portal.fields import FEINField, LicenseNumberField, PhoneField
from portal.models import Address, Certifiable, PrivateFile, TimeStampedModel
from portal.person import ChangesPeople
from portal.validators import california_zip_codes, format_fein


class Agency(Certifiable, TimeStampedModel):
    class Kind(models.TextChoices):
        INSURANCE_AGENCY = "insurance_agency", _("Insurance agency")
        ENROLLMENT_ENTITY = "enrollment_entity", _("Certified enrollment entity")
        PLAN_BASED_ENROLLER = "plan_based_enroller", _("Plan-based enroller")

    kind = models.CharField(_("kind"), max_length=24, choices=Kind, default=Kind.INSURANCE_AGENCY)
    legal_name = models.CharField(_("legal business name"), max_length=200)
    public_name = models.CharField(_("public-facing name"), max_length=200)
    fein = FEINField(
        _("FEIN"),
        unique=True,
        error_messages={"unique": _("An agency with this FEIN already exists.")},
        help_text=_("Federal employer identification number, nine digits (XX-XXXXXXX)."),
    )
    license_number = LicenseNumberField(
        _("agency license number"),
        blank=True,
        help_text=_("California Department of Insurance license number. Insurance agencies only."),
    )
    phone = PhoneField(_("phone"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    remind_consumers = models.BooleanField(
        _("remind consumers of their deadlines"),
        default=False,
        help_text=_(
            "E-mail the consumers your agents help, when their case has an e-mail address, a few days before a "
            "document for their coverage is due, in their preferred language. The e-mail names only their first "
            "name and the due date."
        ),
    )

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["public_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["license_number"],
                condition=~Q(license_number=""),
                name="agency_license_number_unique",
                violation_error_message=_("Another agency already has this license number."),
            ),
            models.CheckConstraint(condition=Q(fein__regex=r"^[0-9]{9}$"), name="agency_fein_nine_digits"),
            models.CheckConstraint(
                condition=Q(license_number="") | Q(license_number__regex=r"^[0-9][0-9A-Z][0-9]{5}$"),
                name="agency_license_number_format",
            ),
        ]

    def __str__(self):
        return self.public_name

    @property
    def fein_display(self) -> str:
        return format_fein(self.fein)

    def clean(self):
        if self.kind == self.Kind.INSURANCE_AGENCY and not self.license_number:
            raise ValidationError({"license_number": _("An insurance agency needs its agency license number.")})


class AgencyLocation(Address):
    """A subsite: a place where the agency meets consumers, listed in Find Local Help. Or, with no agency, the own
    office of an agent in no agency (`owner`, at most one each), where Find Local Help finds them while they are in
    none."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="locations", null=True, blank=True
    )
    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("independent agent"),
        on_delete=models.CASCADE,
        related_name="own_office",
        null=True,
        blank=True,
        help_text=_("For the own office of an agent in no agency; leave empty for an agency's location."),
    )
    name = models.CharField(_("location name"), max_length=120)
    phone = PhoneField(_("phone"))
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    is_listed = models.BooleanField(
        _("listed in Find Local Help"), default=True, help_text=_("Shown to consumers searching for help.")
    )

    class Meta:
        verbose_name = _("agency location")
        verbose_name_plural = _("agency locations")
        ordering = ["agency", "name"]
        indexes = [models.Index(fields=["zip_code"], name="agencylocation_zip")]
        constraints = [
            models.CheckConstraint(
                condition=Q(agency__isnull=False, owner__isnull=True) | Q(agency__isnull=True, owner__isnull=False),
                name="agencylocation_agency_or_owner",
                violation_error_message=_("A location belongs either to an agency or to one independent agent."),
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.city})"

    def clean(self):
        place = california_zip_codes().get(self.zip_code)
        if place and self.latitude is None:
            self.latitude, self.longitude = place["lat"], place["long"]


class OpeningHours(models.Model):
    """Hours a location is open on one day of the week."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    location = models.ForeignKey(
        AgencyLocation, verbose_name=_("location"), on_delete=models.CASCADE, related_name="hours"
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday)
    opens_at = models.TimeField(_("opens"))
    closes_at = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["location", "weekday", "opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="openinghours_closes_after_opening",
                violation_error_message=_("Closing time must be after opening time."),
            ),
            models.UniqueConstraint(fields=["location", "weekday", "opens_at"], name="openinghours_unique_slot"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


def agency_document_path(instance, filename):
    # `filename` is random (PrivateFile.store), never the uploaded name.
    return f"agencies/{instance.agency_id}/documents/{timezone.now():%Y/%m}/{filename}"


class AgencyDocument(PrivateFile):
    class Kind(models.TextChoices):
        LICENSE = "license", _("License")
        ERRORS_AND_OMISSIONS = "errors_and_omissions", _("Errors and omissions insurance")
        AGREEMENT = "agreement", _("Agency agreement")
        W9 = "w9", _("W-9")
        OTHER = "other", _("Other")

    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=24, choices=Kind)
    file = models.FileField(_("file"), max_length=300, upload_to=agency_document_path)

    class Meta:
        verbose_name = _("agency document")
        verbose_name_plural = _("agency documents")
        ordering = ["agency", "-uploaded_at"]


class MembershipQuerySet(ChangesPeople):  # a membership's changes change what is kept of its person
    def current(self):
        """The Active membership among these, with its agency: a person has at most one (by constraint)."""
        return self.filter(status=MembershipStatus.ACTIVE).select_related("agency").first()


class Membership(TimeStampedModel):
    """A person's place in an agency (the agency agreement): manager, admin staff or agent.

    A manager is also one of the agency's agents. A person belongs to at most one
    agency at a time; ended memberships stay as history.
    """

    Role = MembershipRole  # in portal.choices, so the permission layer knows them without this app
    Status = MembershipStatus

    objects = MembershipQuerySet.as_manager()

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=12, choices=Role)
    status = models.CharField(_("status"), max_length=8, choices=Status, default=Status.ACTIVE)
    started_on = models.DateField(
        _("started on"), default=timezone.localdate
    )  # the portal's day, whatever the process's time zone
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    # The moments of the current spell: files made for the agency before someone (re)joined it, or for them in no
    # agency before they left one, are not theirs (extranet.selectors, bookofbusiness.selectors). None on
    # memberships older than these fields: started_on and ended_on then stand for them, by whole days.
    joined_at = models.DateTimeField(_("joined at"), null=True, blank=True, default=timezone.now)
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)
    # What an Agency Manager grants to Admin Staff. Managers have all of it by their role.
    can_view_roster = models.BooleanField(_("may view the roster"), default=False)
    can_view_book = models.BooleanField(_("may view the Book of Business"), default=False)
    can_export_book = models.BooleanField(_("may export the Book of Business"), default=False)
    can_edit_account = models.BooleanField(_("may edit the agency account"), default=False)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["agency", "role", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="active"),
                name="membership_one_active_agency_per_user",
                violation_error_message=_("This person is already active in an agency."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="membership_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["agency", "role", "status"], name="membership_agency_role")]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()}, {self.agency}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def spell_started(self) -> datetime.datetime:
        """When the current spell in the agency began (the start of started_on for older rows)."""
        if self.joined_at is not None:
            return self.joined_at
        return datetime.datetime.combine(self.started_on, datetime.time.min, tzinfo=timezone.get_current_timezone())

    @property
    def spell_ended(self) -> datetime.datetime | None:
        """When the person left (the end of ended_on for older rows), None while Active."""
        if self.left_at is not None:
            return self.left_at
        if self.ended_on is None:
            return None
        day_after = self.ended_on + datetime.timedelta(days=1)
        return datetime.datetime.combine(day_after, datetime.time.min, tzinfo=timezone.get_current_timezone())

    def clean(self):
        if self.role in (self.Role.MANAGER, self.Role.AGENT) and self.user_id:
            agent = getattr(self.user, "agent", None)  # the agent profile, through the user (agents is above)
            if agent is None:
                raise ValidationError(
                    {"user": _("Only a licensed agent with an agent profile can be an agent or manager.")}
                )
            if self.role == self.Role.MANAGER and agent.certification_status != CertificationStatus.CERTIFIED:
                raise ValidationError({"role": _("An Agency Manager must be a certified, licensed agent.")})


class AgencyInvitationQuerySet(models.QuerySet):
    def open(self, *, now=None):
        """Invitations still waiting for the agent's answer."""
        return self.filter(answered_at__isnull=True, expires_at__gt=now or timezone.now())


class AgencyInvitation(models.Model):
    """An agency's offer of its Agency Agreement to an agent already known to the marketplace (a new link, or a
    former agent coming back). Nothing of the agent's changes until they accept it themselves."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.CASCADE, related_name="agency_invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invited by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("invited"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome, blank=True)

    objects = AgencyInvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("agency invitation")
        verbose_name_plural = _("agency invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "user"],
                condition=Q(answered_at__isnull=True),
                name="agencyinvitation_one_open_per_agent",
                violation_error_message=_("This agent already has an invitation from your agency."),
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True, outcome="") | (Q(answered_at__isnull=False) & ~Q(outcome="")),
                name="agencyinvitation_answer_has_outcome",
            ),
        ]

    def __str__(self):
        return f"{self.agency} → {self.user}"
