from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsumersConfig(AppConfig):
    name = "consumers"
    verbose_name = _("Consumer cases")
