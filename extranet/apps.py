from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExtranetConfig(AppConfig):
    name = "extranet"
    verbose_name = _("Extranet")
