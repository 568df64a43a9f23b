"""Appendix tables that come from the oversight and study (dissemination) apps."""

from __future__ import annotations

import datetime
from collections import Counter

from django.db.models import Q
from django.utils.translation import gettext as _

from nqtrack.organizations.models import User
from nqtrack.reviews.appendix import Table, _pct
from nqtrack.reviews.models import Review


def oversight_tables(review: Review, user: User, as_of: datetime.date) -> list[Table]:
    """Supervision and inspection rounds covering the document, on the committee's line of the
    tree, started by the day: findings by kind and remediation by verification."""
    from nqtrack.oversight.models import Finding, RemediationItem
    from nqtrack.oversight.selectors import rounds_visible_to

    committee = review.committee
    ancestors = {committee.path[: i + 1] for i, c in enumerate(committee.path) if c == "/"}
    rounds = (
        rounds_visible_to(user)
        .filter(documents=review.document, period_start__lte=as_of)
        .filter(Q(conductor__path__startswith=committee.path) | Q(conductor__path__in=ancestors))
        .order_by("period_start", "id")
        .distinct()
    )
    findings = Counter(
        Finding.objects.filter(round__in=rounds, created_at__date__lte=as_of).values_list(
            "round_id", "kind"
        )
    )
    items = Counter(
        RemediationItem.objects.filter(round__in=rounds).values_list("round_id", "verification")
    )
    rows = []
    for n, r in enumerate(rounds, start=1):
        rows.append(
            [
                n,
                r.title,
                r.get_kind_display(),
                r.conductor.name,
                f"{r.period_start:%d/%m/%Y} – {r.period_end:%d/%m/%Y}",
                r.targets.count(),
                findings[(r.pk, "strength")],
                findings[(r.pk, "shortcoming")],
                findings[(r.pk, "violation")],
                sum(v for (pk, _k), v in items.items() if pk == r.pk),
                items[(r.pk, "done")],
                items[(r.pk, "carried_over")],
            ]
        )
    total_items = sum(row[9] for row in rows)
    done = sum(row[10] for row in rows)
    return [
        Table(
            key="oversight",
            title=_("Supervision and inspection of the document, and remediation"),
            headers=[
                _("No."),
                _("Supervision or inspection round"),
                _("Kind"),
                _("Conducted by"),
                _("Period"),
                _("Targets"),
                _("Strengths"),
                _("Shortcomings"),
                _("Violations"),
                _("Remediation items"),
                _("Verified done"),
                _("Carried over"),
            ],
            rows=rows,
            summary=_(
                "%(rounds)s supervision or inspection round(s); %(done)s of %(items)s "
                "remediation items verified done."
            )
            % {"rounds": len(rows), "done": done, "items": total_items},
        )
    ]


def study_tables(review: Review, user: User, as_of: datetime.date) -> list[Table]:
    """Study of the document and personal essays, per unit below the committee: the same
    roll-ups as the study overview page."""
    from nqtrack.dissemination.rollups import essay_rollup, study_rollup

    committee, document = review.committee, review.document
    study = study_rollup(committee, document)
    study_rows = [
        [
            n,
            row.label,
            row["members"],
            row["invited"],
            row["attended"],
            _pct(row.rate("attended", "invited")),
            row["not_studied"],
        ]
        for n, row in enumerate(study.rows, start=1)
    ]
    t = study.total
    study_rows.append(
        [
            "",
            _("Total"),
            t["members"],
            t["invited"],
            t["attended"],
            _pct(t.rate("attended", "invited")),
            t["not_studied"],
        ]
    )
    essays = essay_rollup(committee, document, on=as_of)
    grades = ("tot", "kha", "trung_binh", "yeu")
    essay_rows = [
        [
            n,
            row.label,
            row["mandatory"],
            row["written"],
            *[row[g] for g in grades],
            row["rewrite"],
            row["missing"],
        ]
        for n, row in enumerate(essays.rows, start=1)
    ]
    e = essays.total
    essay_rows.append(
        [
            "",
            _("Total"),
            e["mandatory"],
            e["written"],
            *[e[g] for g in grades],
            e["rewrite"],
            e["missing"],
        ]
    )
    return [
        Table(
            key="study",
            title=_("Study and dissemination of the document"),
            headers=[
                _("No."),
                _("Unit"),
                _("Members"),
                _("Invited"),
                _("Attended"),
                _("Participation rate (%)"),
                _("Not yet studied"),
            ],
            rows=study_rows,
            summary=_(
                "%(attended)s of %(invited)s invited members attended (%(rate)s%%); "
                "%(missing)s members have not studied the document yet."
            )
            % {
                "attended": t["attended"],
                "invited": t["invited"],
                "rate": _pct(t.rate("attended", "invited")),
                "missing": t["not_studied"],
            },
        ),
        Table(
            key="essays",
            title=_("Personal essays (bài thu hoạch)"),
            headers=[
                _("No."),
                _("Unit"),
                _("Must write"),
                _("Written"),
                _("Good (Tốt)"),
                _("Fair (Khá)"),
                _("Average (Trung bình)"),
                _("Weak (Yếu)"),
                _("To rewrite"),
                _("Missing"),
            ],
            rows=essay_rows,
            summary=_(
                "%(written)s essays written; %(good)s good, %(weak)s weak; %(missing)s "
                "members obliged to write have not."
            )
            % {
                "written": e["written"],
                "good": e["tot"],
                "weak": e["yeu"],
                "missing": e["missing"],
            },
        ),
    ]
