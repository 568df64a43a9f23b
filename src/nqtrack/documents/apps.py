from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "nqtrack.documents"
    label = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from nqtrack.documents import search  # noqa: F401 - registers its index checker
