"""Filters of the document list, shared by the web page and the API."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from nqtrack.documents import selectors
from nqtrack.documents.models import Document, DocumentStatus
from nqtrack.organizations.models import SecurityLevel


class DocumentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    doc_type = django_filters.CharFilter(label=_("Type"))
    issuer = django_filters.CharFilter(field_name="issuer__code", label=_("Issuer"))
    owner = django_filters.CharFilter(field_name="owner__code", label=_("Registry"))
    year = django_filters.NumberFilter(
        field_name="signed_on", lookup_expr="year", label=_("Year"), min_value=1900, max_value=2200
    )
    field = django_filters.CharFilter(field_name="fields__slug", distinct=True, label=_("Field"))
    status = django_filters.ChoiceFilter(choices=DocumentStatus.choices, label=_("Status"))
    security_level = django_filters.ChoiceFilter(
        choices=SecurityLevel.choices, label=_("Security level")
    )
    signed_from = django_filters.DateFilter(
        field_name="signed_on", lookup_expr="gte", label=_("Signed from")
    )
    signed_to = django_filters.DateFilter(
        field_name="signed_on", lookup_expr="lte", label=_("Signed to")
    )

    class Meta:
        model = Document
        fields = [
            "q",
            "doc_type",
            "issuer",
            "owner",
            "year",
            "field",
            "status",
            "security_level",
            "signed_from",
            "signed_to",
        ]

    def search(self, queryset: QuerySet[Document], name: str, value: str) -> QuerySet[Document]:
        found = selectors.document_search(queryset, value)
        if "search_rank" not in found.query.annotations:  # no word to look for (e.g. "'")
            return found
        return found.order_by("-search_rank", "-signed_on")
