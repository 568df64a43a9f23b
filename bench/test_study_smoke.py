"""The study benchmark at a tiny scale inside the test database: it loads what it says,
imports the attendance file through the product and through raw COPY (executemany on
SQLite), measures every roll-up, prints every figure, and its numbers agree with a Python
recount of the data it generated."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection

from bench import study_bench
from bench import study_generate as gen

SCALE = 0.0005


@pytest.fixture
def report(db, capsys, tmp_path):
    result = study_bench.run(
        connection,
        scale=SCALE,
        repeat=2,
        sql_repeat=2,
        page_repeat=2,
        media_root=tmp_path / "media",
        log=lambda _: None,
    )
    print(study_bench.format_report(result))
    study_bench.write_json(result, tmp_path / "study.json")
    printed = capsys.readouterr().out
    return result, printed, json.loads((tmp_path / "study.json").read_text())


def test_every_figure_is_measured_printed_and_written(report):
    result, printed, written = report
    imp = result["import"]
    assert imp["raw_s"] > 0 and imp["product_s"] > 0 and imp["ratio"] > 0
    assert imp["product_check_s"] > 0 and imp["product_apply_s"] > 0
    method = "COPY" if connection.vendor == "postgresql" else "executemany"
    assert imp["raw_method"] == method
    rows = f"{imp['rows']:,}"
    assert re.search(rf"raw {method} of the same rows \+ commit +{rows} ", printed)
    assert re.search(rf"product: start_import_job \(sync\), whole job +{rows} ", printed)
    assert f"Import ratio product / raw {method} (time): {imp['ratio']}×" in printed
    if connection.vendor != "postgresql":
        assert "SQLite: there is no COPY; every bulk write below is executemany" in printed
    for key in study_bench.ROOT_KEYS:
        r = result["rollups"][key]
        for part in ("product", "api", "sql"):
            assert r[part]["median_ms"] > 0 and r[part]["runs"] == 2, (key, part)
        assert r["ratio_product"] > 0 and r["ratio_api"] > 0
        row = re.search(
            rf"^  {key} +{re.escape(r['code'])} +[\d,]+ +([\d.]+) +([\d.]+) +([\d.]+) +"
            rf"([\d.]+)× +([\d.]+)×$",
            printed,
            re.M,
        )
        assert row, f"no row for {key} in the printed report"
        assert float(row.group(1)) == pytest.approx(r["product"]["median_ms"], abs=0.06)
        assert float(row.group(3)) == pytest.approx(r["sql"]["median_ms"], abs=0.06)
        assert written["rollups"][key]["ratio_product"] == r["ratio_product"]
    ev = result["every_level"]
    assert ev["measured"] and ev["product_s"] > 0 and ev["sql"]["median_ms"] > 0
    assert (
        ev["ratio"] > 0
        and ev["product_calls"] == 1 + result["data"]["provinces"] + (result["data"]["communes"])
    )
    assert re.search(r"every level: .* product [\d.]+ s .* vs SQL [\d.]+ ms .*: [\d.]+×", printed)
    assert ev["one_pass"]["median_ms"] > 0 and ev["one_pass_ratio"] > 0
    assert re.search(
        r"every level in one pass .* product [\d.]+ ms vs SQL [\d.]+ ms: [\d.]+×", printed
    )
    env = result["environment"]
    assert env["db_version"] in printed and env["python"] in printed
    assert f"{env['cpu_count']} CPUs" in printed and env["django"] in printed
    assert written["data"] == result["data"]


def test_the_data_set_is_what_was_asked_for(report):
    result, printed, _ = report
    data = result["data"]
    sizes = gen.scaled_counts(SCALE)
    assert data["members"] == sizes["members"] == round(5_600_000 * SCALE)
    assert data["import_rows"] == sizes["import_rows"] == round(1_000_000 * SCALE)
    assert data["provinces"] == 2 and data["communes"] == 2
    assert data["grassroots"] == round(50_000 * SCALE)
    assert 0 < data["attendance_rows"] < data["members"]
    assert f"{data['members']:,} members" in printed
    assert result["import"]["job_status"] == "done" and result["import"]["job_errors"] == 0


def test_rollups_agree_with_a_python_recount(report):
    result, printed, _ = report
    failed = [c for c in result["checks"] if not c["ok"]]
    assert not failed, failed
    assert result["all_checks_pass"]
    assert re.search(r"Checks against a Python recount: (\d+)/\1 pass", printed)
    names = {c["name"] for c in result["checks"]}
    for key in study_bench.ROOT_KEYS:
        assert {f"{key}: product roll-up", f"{key}: bare SQL roll-up", f"{key}: API total"} <= names
    assert {
        "every level: product drill-down",
        "every level: bare SQL",
        "every level: product one pass",
    } <= names
    country = {c["name"]: c["got"] for c in result["checks"]}["country: product roll-up"]
    assert country["total"]["members"] == result["data"]["members"]
    assert 0 < country["total"]["attended"] < country["total"]["invited"]


def test_the_recount_itself_follows_the_tree(db):
    """The recount must not agree with the product by being wrong the same way."""
    ds = gen.generate(connection, scale=SCALE, seed=7, log=lambda _: None)
    subtrees = gen.recount_subtrees(ds)
    assert subtrees[ds.root.id]["members"] == ds.n_members
    assert sum(subtrees[p.id]["members"] for p in ds.provinces) == ds.n_members
    flags = ds.flags
    assert subtrees[ds.root.id]["attended"] == flags.count(gen.PRESENT)
    assert subtrees[ds.root.id]["invited"] == len(flags) - flags.count(gen.NOT_INVITED)
    before = flags.count(gen.PRESENT)
    ds.apply_import()
    assert ds.flags.count(gen.PRESENT) >= before
    codes = {line.split(",")[1] for line in ds.import_csv.decode().splitlines()[1:]}
    assert len(codes) == len(ds.import_ordinals)
