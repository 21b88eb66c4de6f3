"""Spanish as written in California: dates in words as in Spain and Mexico, but numbers and money as in the
United States ($1,234.56), the way consumers see them on their notices. Mexican Spanish's formats do both."""

from django.conf.locale.es_MX.formats import *  # noqa: F403

# A week on a chart, named by its Monday without the year: day first (30/11), as the dates beside it.
SHORT_MONTH_DAY_FORMAT = "d/m"
