from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisseminationConfig(AppConfig):
    name = "nqtrack.dissemination"
    label = "dissemination"
    verbose_name = _("Study and dissemination")

    def ready(self) -> None:
        from nqtrack.dissemination import signals  # noqa: F401  (keeps the study counts)
