"""The search benchmark at 1,000 documents inside the test database: it prints every figure,
and the API's counts agree with a Python recount of the generated documents."""

from __future__ import annotations

import re

import pytest
from django.db import connection

from bench import search_bench
from nqtrack.core.text import search_terms
from nqtrack.documents.models import Document
from nqtrack.organizations.models import SecurityLevel


@pytest.fixture
def report(db, capsys):
    result = search_bench.run(connection, scale=0.001, repeat=2, log=lambda _: None)
    print(search_bench.format_report(result))
    return result, capsys.readouterr().out


def _recount(user, query: str) -> int:
    org = user.organization
    ancestors = set(org.ancestor_paths())
    levels = set(SecurityLevel.up_to(user.clearance))
    terms = search_terms(query)
    n = 0
    for path, level, text in Document.objects.values_list(
        "owner__path", "security_level", "search_text"
    ):
        visible = (path in ancestors or path.startswith(org.path)) and level in levels
        if visible and all(f" {t} " in text for t in terms):
            n += 1
    return n


def test_every_figure_is_printed(report):
    result, printed = report
    assert result["data"]["documents"] == 1_000
    assert re.search(r"documents inserted \((COPY|executemany)\) +1,000 ", printed)
    for row in result["rows"]:
        assert row["product"]["median_ms"] > 0 and row["bare_index"]["median_ms"] > 0
        assert row["like_scan"]["median_ms"] > 0
        line = rf"^  {row['user']} +{re.escape(row['query'])} +{row['count']:,} +[\d.]+ "
        assert re.search(line, printed, re.M), line
    assert re.search(r"load average [\d.]+ [\d.]+ [\d.]+", printed)
    assert "counts agree: yes" in printed


def test_counts_agree_with_a_python_recount(report):
    from nqtrack.organizations.models import User

    result, _ = report
    users = {"province": "bench_tinh", "commune": "bench_xa"}
    assert result["all_checks_pass"]
    for row in result["rows"]:
        user = User.objects.get(username=users[row["user"]])
        assert row["count"] == _recount(user, row["query"]), row["query"]
    assert any(row["count"] > 0 for row in result["rows"])
