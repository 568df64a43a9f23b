"""The reporting-round pages as the province office, a unit, a viewer and an outsider use them."""

from __future__ import annotations

import datetime as dt
import io
import re
from html.parser import HTMLParser

import openpyxl
import pytest
import time_machine
from django.test import Client
from django.utils import translation

from nqtrack.notifications.models import Notification
from nqtrack.organizations.models import Role
from nqtrack.reporting.models import ReportingRound, Submission
from nqtrack.reporting.tests.helpers import AFTER_DUE, BEFORE_DUE, UTC, build_world
from nqtrack.testing import UserFactory

# Until the project URLconf mounts the pages at bao-cao/, the tests use one that does.
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(BEFORE_DUE, tick=False):
        yield


@pytest.fixture
def world(tree):
    return build_world(tree)


def vi(text: str) -> str:
    """What a Vietnamese user reads for an English source string."""
    with translation.override("vi"):
        return translation.gettext(text)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def seen(response) -> str:
    """The page's text as a user reads it: no tags, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&nbsp;", " ").split())


class _TableRows(HTMLParser):
    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id, self.inside, self.rows, self.cell = table_id, False, [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("id") == self.table_id:
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        elif self.inside and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def unit_table(response) -> list[list[str]]:
    """The per-unit table of the round page, header row first."""
    parser = _TableRows("units")
    parser.feed(response.content.decode())
    return parser.rows


def answer_fields(world, code, *, answered: int) -> dict[str, str]:
    """The submit form filled in for the unit's first `answered` tasks, the rest left empty."""
    data = {}
    for n, task in enumerate(world.tasks[code]):
        filled = n < answered
        data[f"status_{task.pk}"] = "in_progress" if filled else ""
        data[f"narrative_{task.pk}"] = f"Đã triển khai {task.text}" if filled else ""
        data[f"evidence_{task.pk}"] = ""
    return data


def round_url(world, suffix: str = "") -> str:
    return f"/bao-cao/{world.round.pk}/{suffix}"


def test_the_office_creates_a_round_on_the_page_and_a_mistake_writes_nothing(tree):
    office = client_for(tree.province_office)
    form = office.get("/bao-cao/tao/")
    assert form.status_code == 200
    page = seen(form)
    for unit in ("Văn phòng Tỉnh ủy A", "Đảng ủy xã A", "Chi bộ thôn 1"):
        assert unit in page
    assert "Tỉnh ủy B" not in page
    data = {
        "title": "Báo cáo tự rà soát quý II/2026",
        "period_start": "01/04/2026",
        "period_end": "31/03/2026",
        "due_on": "10/07/2026",
        "expected": ["A-XA", "A-VPTU"],
    }
    refused = office.post("/bao-cao/tao/", data)
    assert refused.status_code == 200
    assert vi("The period cannot end before it starts.") in seen(refused)
    assert 'value="A-XA" data-level' in refused.content.decode()  # the ticks are kept
    assert ReportingRound.objects.count() == 0

    created = office.post("/bao-cao/tao/", {**data, "period_end": "30/06/2026"}, follow=True)
    rnd = ReportingRound.objects.get()
    assert created.redirect_chain == [(f"/bao-cao/{rnd.pk}/", 302)]
    assert (rnd.period_start, rnd.period_end, rnd.due_on) == (
        dt.date(2026, 4, 1),
        dt.date(2026, 6, 30),
        dt.date(2026, 7, 10),
    )
    assert [row[:3] for row in unit_table(created)[1:]] == [
        ["A-VPTU", "Văn phòng Tỉnh ủy A", vi("not reported")],
        ["A-XA", "Đảng ủy xã A", vi("not reported")],
    ]
    listed = seen(office.get("/bao-cao/"))
    assert "Báo cáo tự rà soát quý II/2026" in listed and "0/2" in listed


def test_only_office_staff_see_new_round_and_may_open_the_form(tree):
    assert vi("New round") in seen(client_for(tree.province_office).get("/bao-cao/"))
    viewer = client_for(tree.province_viewer)
    assert vi("New round") not in seen(viewer.get("/bao-cao/"))
    assert viewer.get("/bao-cao/tao/").status_code == 403
    assert viewer.post("/bao-cao/tao/", {"title": "x"}).status_code == 403


def test_a_unit_answering_one_of_two_tasks_is_warned_and_shown_as_generic_with_the_stats(world):
    unit = client_for(world.reporters["A-XA"])
    form = unit.get(round_url(world, "nop/"))
    assert form.status_code == 200
    assert [t.text for t in form.context["form"].tasks] == ["Việc 1 của A-XA", "Việc 2 của A-XA"]
    assert "submitted_at" not in form.context["form"].fields  # only the office backdates

    sent = unit.post(
        round_url(world, "nop/"), answer_fields(world, "A-XA", answered=1), follow=True
    )
    assert sent.redirect_chain == [(round_url(world), 302)]
    with translation.override("vi"):
        flagged = translation.ngettext(
            "It leaves %(n)s open task unanswered, so it is flagged as generic (chung chung).",
            "It leaves %(n)s open tasks unanswered, so it is flagged as generic (chung chung).",
            1,
        )
    assert flagged % {"n": 1} in seen(sent)
    report = Submission.objects.get(organization__code="A-XA")
    assert report.generic and report.unanswered == [world.tasks["A-XA"][1].pk]

    office = client_for(world.tree.province_office).get(round_url(world))
    rows = {row[0]: row for row in unit_table(office)[1:]}
    assert rows["A-XA"][2:5] == [vi("submitted on time"), vi("Yes"), "05/07/2026 10:00"]
    assert rows["A-XB"][2:4] == [vi("not reported"), ""]
    stats = office.context["stats"]
    assert (stats.expected, stats.submitted, stats.on_time, stats.generic) == (4, 1, 1, 1)
    page = seen(office)
    assert "25%" in page and vi("generic reports (open tasks left unanswered)") in page


def test_an_answer_without_a_narrative_is_shown_under_its_task_and_nothing_is_written(world):
    unit = client_for(world.reporters["A-XA"])
    data = answer_fields(world, "A-XA", answered=2)
    data[f"narrative_{world.tasks['A-XA'][1].pk}"] = "  "
    refused = unit.post(round_url(world, "nop/"), data)
    assert refused.status_code == 200
    assert vi("Write what was done on this task.") in seen(refused)
    assert Submission.objects.count() == 0


def test_the_office_returns_a_report_then_the_unit_reads_the_comment_and_resubmits(world):
    reporter = client_for(world.reporters["A-XA"])
    reporter.post(round_url(world, "nop/"), answer_fields(world, "A-XA", answered=1))
    office = client_for(world.tree.province_office)
    submission_url = round_url(world, "don-vi/A-XA/")
    shown = office.get(submission_url)
    assert "Đã triển khai Việc 1 của A-XA" in seen(shown)
    assert "Việc 2 của A-XA" in seen(shown)  # listed as left unanswered
    assert "data-confirm=" in shown.content.decode()  # the return button asks first (site.js)

    empty = office.post(submission_url + "tra-lai/", {"comment": "  "})
    assert empty.status_code == 400
    assert vi("Say what must be corrected.") in seen(empty)
    assert Submission.objects.get().status == "submitted"
    comment = "Chưa báo cáo Việc 2; đề nghị bổ sung kết quả cụ thể."
    returned = office.post(submission_url + "tra-lai/", {"comment": comment}, follow=True)
    assert returned.redirect_chain == [(submission_url, 302)]
    assert Submission.objects.get().status == "returned"

    assert comment in seen(reporter.get(submission_url))
    form = reporter.get(round_url(world, "nop/"))
    assert comment in seen(form)
    assert "Đã triển khai Việc 1 của A-XA" in seen(form)  # the earlier answer is filled in
    reporter.post(round_url(world, "nop/"), answer_fields(world, "A-XA", answered=2))
    report = Submission.objects.get()
    assert (report.status, report.generic) == ("submitted", False)
    rows = {row[0]: row for row in unit_table(office.get(round_url(world)))[1:]}
    assert rows["A-XA"][2:4] == [vi("submitted on time"), ""]
    assert [e.event for e in report.events.all()] == ["submit", "return", "submit"]


def test_a_unit_cannot_return_reports_nor_remind_nor_reopen(world):
    reporter = client_for(world.reporters["A-XA"])
    reporter.post(round_url(world, "nop/"), answer_fields(world, "A-XA", answered=2))
    assert reporter.get(round_url(world, "don-vi/A-XA/")).status_code == 200
    assert (
        reporter.post(round_url(world, "don-vi/A-XA/tra-lai/"), {"comment": "x"}).status_code == 403
    )
    assert reporter.post(round_url(world, "nhac/")).status_code == 403
    assert reporter.post(round_url(world, "mo-lai/"), {"organization": "A-XA"}).status_code == 403
    assert Submission.objects.get().status == "submitted"
    assert Notification.objects.count() == 0


def test_an_outsider_gets_404_on_the_round_its_submissions_and_the_submit_page(world):
    client_for(world.reporters["A-XA"]).post(
        round_url(world, "nop/"), answer_fields(world, "A-XA", answered=2)
    )
    outsider = client_for(world.tree.outsider)
    for url in ("", "nop/", "don-vi/A-XA/", "?export=xlsx"):
        assert outsider.get(round_url(world, url)).status_code == 404, url
    assert (
        outsider.post(
            round_url(world, "nop/"), answer_fields(world, "A-XA", answered=2)
        ).status_code
        == 404
    )
    assert world.round.title not in seen(outsider.get("/bao-cao/"))
    # A sibling unit sees the round but not another unit's report.
    assert (
        client_for(world.reporters["A-XB"]).get(round_url(world, "don-vi/A-XA/")).status_code == 404
    )


def test_a_viewer_cannot_submit(world):
    viewer = UserFactory(username="xa_ld", organization=world.tree.xa, role=Role.VIEWER)
    for user in (viewer, world.tree.province_viewer):
        client = client_for(user)
        assert client.get(round_url(world)).status_code == 200
        assert client.get(round_url(world, "nop/")).status_code == 403
        data = answer_fields(world, "A-XA", answered=2)
        assert client.post(round_url(world, "nop/"), data).status_code == 403
    assert Submission.objects.count() == 0


def test_after_the_due_date_a_unit_is_told_to_ask_for_a_reopening_and_the_office_grants_it(world):
    reporter = client_for(world.reporters["A-XB"])
    office = client_for(world.tree.province_office)
    with time_machine.travel(AFTER_DUE, tick=False):
        page = reporter.get(round_url(world, "nop/"))
        assert "10/07/2026" in seen(page) and 'id="report-form"' not in page.content.decode()
        assert reporter.get(round_url(world)).context["own_unit"] is None  # no "Report" button
        reporter.post(round_url(world, "nop/"), answer_fields(world, "A-XB", answered=2))
        assert Submission.objects.count() == 0
        reopened = office.post(
            round_url(world, "mo-lai/"),
            {"organization": "A-XB", "until": "15/07/2026"},
            follow=True,
        )
        assert "15/07/2026" in seen(reopened)
        assert reporter.get(round_url(world)).context["own_unit"] == world.xb
        reporter.post(round_url(world, "nop/"), answer_fields(world, "A-XB", answered=2))
        rows = {row[0]: row for row in unit_table(office.get(round_url(world)))[1:]}
    assert rows["A-XB"][2] == vi("submitted late")
    assert rows["A-XB"][6] == "15/07/2026"


def test_the_office_records_a_paper_report_for_a_unit_with_the_day_it_arrived(world):
    office = client_for(world.tree.province_office)
    chooser = office.get(round_url(world, "nop/"))
    assert "Chi bộ thôn 1" in seen(chooser) and "form" not in chooser.context
    data = {
        "don-vi": "A-CB1",
        "submitted_at": "03/07/2026",
        **answer_fields(world, "A-CB1", answered=2),
    }
    with time_machine.travel(AFTER_DUE, tick=False):
        office.post(round_url(world, "nop/") + "?don-vi=A-CB1", data)
        rows = {row[0]: row for row in unit_table(office.get(round_url(world)))[1:]}
    report = Submission.objects.get(organization__code="A-CB1")
    assert report.recorded_by_office and report.submitted_at == dt.datetime(
        2026, 7, 2, 17, 0, tzinfo=UTC
    )
    assert rows["A-CB1"][2:6] == [vi("submitted on time"), "", "03/07/2026 00:00", vi("Yes")]


def test_remind_all_who_have_not_reported_notifies_the_missing_units_users_once_a_day(world):
    tree = world.tree
    for code in ("A-VPTU", "A-XA", "A-XB"):
        client_for(world.reporters[code]).post(
            round_url(world, "nop/"), answer_fields(world, code, answered=2)
        )
    cell_viewer = UserFactory(username="cb_ld", organization=tree.cb, role=Role.VIEWER)
    cell_office = UserFactory(username="cb_vp", organization=tree.cb, role=Role.OFFICE)
    office = client_for(tree.province_office)
    page = office.get(round_url(world))
    assert vi("Remind all who have not reported") in seen(page)

    first = office.post(round_url(world, "nhac/"), follow=True)
    assert first.redirect_chain == [(round_url(world), 302)]
    notes = Notification.objects.order_by("user__username")
    assert [n.user for n in notes] == [world.reporters["A-CB1"], cell_office]
    assert {n.url for n in notes} == {round_url(world, "nop/?don-vi=A-CB1")}
    assert world.round.title in notes[0].message and "10/07/2026" in notes[0].message
    assert cell_viewer not in [n.user for n in notes]
    with translation.override("vi"):
        told = translation.ngettext(
            "%(n)s unit that has not reported was reminded.",
            "%(n)s units that have not reported were reminded.",
            1,
        )
    assert told % {"n": 1} in seen(first)

    again = office.post(round_url(world, "nhac/"), follow=True)
    assert Notification.objects.count() == 2
    assert vi("Nobody was reminded: every unit has reported or was already reminded today.") in (
        seen(again)
    )
    with time_machine.travel(BEFORE_DUE + dt.timedelta(days=1), tick=False):
        office.post(round_url(world, "nhac/"))
    assert Notification.objects.count() == 4
    # The reminder opens the submit page of the unit's own report.
    link = client_for(world.reporters["A-CB1"]).get(notes[0].url)
    assert link.status_code == 200 and link.context["unit"] == tree.cb


def test_the_xlsx_export_has_the_rows_of_the_per_unit_table(world):
    client_for(world.reporters["A-XA"]).post(
        round_url(world, "nop/"), answer_fields(world, "A-XA", answered=1)
    )
    office = client_for(world.tree.province_office)
    table = unit_table(office.get(round_url(world)))
    export = office.get(round_url(world), {"export": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert rows == table
    assert len(rows) == 5 and rows[0][0] == vi("Code")

    missing = office.get(round_url(world), {"status": "missing", "export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(missing.content)).active
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == [
        "A-CB1",
        "A-VPTU",
        "A-XB",
    ]


def test_a_commune_sees_only_its_own_units_in_the_round_and_no_statistics(world):
    page = client_for(world.tree.commune_office).get(round_url(world))
    assert [row[0] for row in unit_table(page)[1:]] == ["A-CB1", "A-XA"]
    assert page.context["stats"] is None
    listed = seen(client_for(world.tree.commune_office).get("/bao-cao/"))
    assert "0/2" in listed
