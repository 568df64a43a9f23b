from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssignmentsConfig(AppConfig):
    name = "nqtrack.assignments"
    label = "assignments"
    verbose_name = _("Programmes and tasks")
