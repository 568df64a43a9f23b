"""Tables of the registry (document list, review calendar) and their XLSX / iCalendar forms."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from nqtrack.documents import secrecy
from nqtrack.documents.models import Document, ReviewMilestone


def review_label(milestone: ReviewMilestone) -> str:
    """ "Sơ kết 2" for interim reviews (there may be several); "Tổng kết" alone for the final."""
    if milestone.kind == "interim":
        return f"{milestone.get_kind_display()} {milestone.sequence}"
    return str(milestone.get_kind_display())


def document_table(documents: Iterable[Document]) -> tuple[list[str], list[list[Any]]]:
    headers = [
        _("Number and symbol"),
        _("Type"),
        _("Signing date"),
        _("Issuing body"),
        _("Title"),
        _("Fields"),
        _("Security level"),
        _("Status"),
    ]
    rows = [
        [
            d.symbol,
            d.type_name or d.doc_type,
            d.signed_on,
            d.issuer.name,
            d.title,
            ", ".join(f.name for f in d.fields.all()),
            d.get_security_level_display(),
            d.get_status_display(),
        ]
        for d in documents
    ]
    return headers, rows


def calendar_table(milestones: Iterable[ReviewMilestone]) -> tuple[list[str], list[list[Any]]]:
    headers = [
        _("Review due"),
        _("Plan due"),
        _("Review"),
        _("Number and symbol"),
        _("Signing date"),
        _("Title"),
        _("Issuing body"),
        _("Set by the document"),
    ]
    rows = [
        [
            m.due_on,
            m.plan_due_on,
            review_label(m),
            m.document.symbol,
            m.document.signed_on,
            m.document.title,
            m.document.issuer.name,
            _("yes") if m.overridden else "",
        ]
        for m in milestones
    ]
    return headers, rows


def calendar_ical(
    milestones: Iterable[ReviewMilestone], *, name: str, host: str, link_base: str = ""
) -> bytes:
    """An iCalendar feed: each review and each plan deadline as an all-day event."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//NQTrack//Lich so ket tong ket//VI")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    stamp = datetime.datetime.now(datetime.UTC)
    for m in milestones:
        review = review_label(m)
        for suffix, day, summary in (
            ("review", m.due_on, _("%(review)s of %(symbol)s due")),
            ("plan", m.plan_due_on, _("Plan for %(review)s of %(symbol)s due")),
        ):
            event = Event()
            event.add("uid", f"nqtrack-{m.document_id}-{m.kind}-{m.sequence}-{suffix}@{host}")
            event.add("dtstamp", stamp)
            event.add("dtstart", day)
            event.add("dtend", day + datetime.timedelta(days=1))
            # The feed leaves the system: a classified document is named by its mark only.
            symbol = secrecy.outbound_document(m.document)
            event.add("summary", summary % {"review": review, "symbol": symbol})
            event.add("description", secrecy.outbound_title(m.document))
            if link_base:
                event.add("url", f"{link_base}/van-ban/{m.document_id}/")
            cal.add_component(event)
    return cal.to_ical()
