from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssignmentsConfig(AppConfig):
    name = "nqtrack.assignments"
    label = "assignments"
    verbose_name = _("Programmes and tasks")

    def ready(self) -> None:
        from nqtrack.assignments import signals  # noqa: F401  (keeps the task counts)
