from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import signals  # noqa: F401  (connects the receivers)
        from .staff_groups import ensure_staff_groups  # imports auth models: only once the apps are ready

        post_migrate.connect(ensure_staff_groups)
