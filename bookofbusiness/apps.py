from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookofbusinessConfig(AppConfig):
    name = "bookofbusiness"
    verbose_name = _("Book of Business")
