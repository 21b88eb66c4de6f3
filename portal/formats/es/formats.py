"""Spanish as written in California: dates in words as in Spain and Mexico, but numbers and money as in the
United States ($1,234.56), the way consumers see them on their notices. Mexican Spanish's formats do both."""

from django.conf.locale.es_MX.formats import *  # noqa: F403
