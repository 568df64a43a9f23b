"""The benchmark at 1% scale inside the test database: it loads what it says, measures every
page, and its counts agree with a Python recount of the tasks it generated."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection

from bench import generate as gen
from bench import tasks_bench


@pytest.fixture
def report(db, capsys, tmp_path):
    result = tasks_bench.run(connection, scale=0.01, repeat=2, sql_repeat=2, log=lambda _: None)
    text = tasks_bench.format_report(result)
    print(text)
    tasks_bench.write_json(result, tmp_path / "bench.json")
    printed = capsys.readouterr().out
    return result, printed, json.loads((tmp_path / "bench.json").read_text())


def test_every_figure_is_measured_printed_and_written(report):
    result, printed, written = report
    for key in tasks_bench.PAGE_KEYS:
        page = result["pages"][key]
        assert page["median_ms"] > 0 and page["p95_ms"] >= page["median_ms"] and page["queries"] > 0
        row = re.search(rf"^  {key} +\w+ +([\d.]+) +([\d.]+) +(\d+) ", printed, re.M)
        assert row, f"no row for {key} in the printed report"
        assert float(row.group(1)) == pytest.approx(page["median_ms"], abs=0.06)
        assert written["pages"][key]["median_ms"] == page["median_ms"]
    for key in tasks_bench.SQL_KEYS:
        assert result["sql"][key]["median_ms"] > 0
        assert re.search(rf"^  {key} +[\d.]+ +[\d.]+ +\d+ ", printed, re.M), key
    for label in ("roll-up", "commune roll-up", "task list"):
        assert re.search(rf"{label} [\d.]+×", printed), label
    assert all(written["ratios"][k] > 0 for k in ("rollup", "rollup_commune", "list"))
    assert re.search(r"tasks inserted \((COPY|executemany)\) +1,000 ", printed)
    env = result["environment"]
    assert env["db_version"] in printed and env["python"] in printed
    assert f"{env['cpu_count']} CPUs" in printed
    assert written["data"] == result["data"]


def test_the_data_set_is_what_was_asked_for(report):
    result, _, _ = report
    data = result["data"]
    assert data["tasks"] == 1_000
    assert data["province_units"] == 30
    assert data["communes"] >= 2 and data["documents"] >= 6 and data["max_depth"] >= 3


def test_counts_agree_with_a_python_recount(report):
    result, printed, _ = report
    failed = [c for c in result["checks"] if not c["ok"]]
    assert not failed, failed
    assert result["all_checks_pass"]
    assert re.search(r"Checks against a Python recount: (\d+)/\1 pass", printed)
    names = {c["name"] for c in result["checks"]}
    assert {
        "rollup: selector totals by status",
        "rollup: bare SQL totals",
        "rollup_commune: selector totals per unit",
        "api: count",
    } <= names
    totals = {c["name"]: c["got"] for c in result["checks"]}
    assert totals["rollup: total on the page"] == result["sql"]["sql_rollup"]["total"] > 0
    assert 0 < result["sql"]["sql_rollup_commune"]["total"] < result["sql"]["sql_rollup"]["total"]


def test_the_recount_itself_follows_the_tree(db):
    """The recount must not agree with the application by being wrong the same way: check it
    on the generated tree directly."""
    ds = gen.generate(connection, scale=0.01, seed=7, today=gen.datetime.date(2026, 11, 22))
    recount = gen.recount_rollup(ds, ds.province_user, ds.root)
    assert sum(recount.total.values()) == len(gen.visible_tasks(ds, ds.province_user)) > 0
    assert sum(sum(c.values()) for c in recount.by_unit.values()) == sum(recount.total.values())
    children = {o.code for o in ds.orgs.values() if o.parent_id == ds.root.id} | {ds.root.code}
    assert set(recount.by_unit) <= children
    commune_visible = gen.visible_tasks(ds, ds.commune_user)
    assert 0 < len(commune_visible) < len(ds.tasks)
    assert all(
        ds.documents[t.source_document_id].security_level == "normal" for t in commune_visible
    )
