"""English as written in the United States (Django's own), plus the portal's own short formats."""

from django.conf.locale.en.formats import *  # noqa: F403

# A week on a chart, named by its Monday without the year: month first (11/30).
SHORT_MONTH_DAY_FORMAT = "m/d"
