"""Choices shared by several apps: languages, counties, certification states, membership roles and states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    """Languages a consumer may prefer and a helper may speak (Covered California's threshold languages)."""

    ENGLISH = "en", _("English")
    SPANISH = "es", _("Spanish")
    ARABIC = "ar", _("Arabic")
    ARMENIAN = "hy", _("Armenian")
    CANTONESE = "yue", _("Cantonese")
    FARSI = "fa", _("Farsi")
    HMONG = "hmn", _("Hmong")
    KHMER = "km", _("Khmer")
    KOREAN = "ko", _("Korean")
    LAO = "lo", _("Lao")
    MANDARIN = "cmn", _("Mandarin")
    RUSSIAN = "ru", _("Russian")
    TAGALOG = "tl", _("Tagalog")
    VIETNAMESE = "vi", _("Vietnamese")


class CertificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    CERTIFIED = "certified", _("Certified")
    DECERTIFIED = "decertified", _("Decertified")
    EXPIRED = "expired", _("Expired")
    SUSPENDED = "suspended", _("Suspended")


class MembershipRole(models.TextChoices):
    MANAGER = "manager", _("Agency Manager")
    ADMIN_STAFF = "admin_staff", _("Admin Staff")
    AGENT = "agent", _("Agent")


# The roles of an agency's agents (its manager is one of them too).
AGENT_ROLES = (MembershipRole.MANAGER, MembershipRole.AGENT)


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")


CALIFORNIA_COUNTIES = [
    "Alameda",
    "Alpine",
    "Amador",
    "Butte",
    "Calaveras",
    "Colusa",
    "Contra Costa",
    "Del Norte",
    "El Dorado",
    "Fresno",
    "Glenn",
    "Humboldt",
    "Imperial",
    "Inyo",
    "Kern",
    "Kings",
    "Lake",
    "Lassen",
    "Los Angeles",
    "Madera",
    "Marin",
    "Mariposa",
    "Mendocino",
    "Merced",
    "Modoc",
    "Mono",
    "Monterey",
    "Napa",
    "Nevada",
    "Orange",
    "Placer",
    "Plumas",
    "Riverside",
    "Sacramento",
    "San Benito",
    "San Bernardino",
    "San Diego",
    "San Francisco",
    "San Joaquin",
    "San Luis Obispo",
    "San Mateo",
    "Santa Barbara",
    "Santa Clara",
    "Santa Cruz",
    "Shasta",
    "Sierra",
    "Siskiyou",
    "Solano",
    "Sonoma",
    "Stanislaus",
    "Sutter",
    "Tehama",
    "Trinity",
    "Tulare",
    "Tuolumne",
    "Ventura",
    "Yolo",
    "Yuba",
]
COUNTY_CHOICES = [(name, name) for name in CALIFORNIA_COUNTIES]
