from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "nqtrack.reviews"
    label = "reviews"
    verbose_name = _("Interim and final reviews")
