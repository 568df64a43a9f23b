"""Search benchmark: 1,000,000 documents at scale 1, searched through the API list with q=.

Loads a province tree (bench.generate.build_tree at 0.1) and `scale` x 1,000,000 documents with
Vietnamese titles and texts made of Party-document phrases and place names, by COPY on
PostgreSQL and executemany on SQLite; the search index is built in the load. Then, for a few
queries, it times the product path (GET /api/v1/documents/?q=..., visibility filter, first
page and its count), the bare index query (the same count and first page in hand-written SQL)
and the LIKE scan of before the index (whole words padded with spaces, same cost), and checks
that the three counts agree.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import re
import sys
import time
from collections.abc import Iterator
from typing import Any

from bench.dbs import bench_database_url, create_database, drop_database
from bench.tasks_bench import environment, measure_page, summarize, timed

BENCH_DB_NAME = "nqtrack_bench_search"
DOCS_AT_SCALE_1 = 1_000_000
QUERIES = ["đảng viên", "chuyển đổi số", "Tân Phong"]
Log = Any

TYPES = [
    ("NQ", "Nghị quyết"),
    ("CT", "Chỉ thị"),
    ("KH", "Kế hoạch"),
    ("KL", "Kết luận"),
    ("TB", "Thông báo"),
    ("QĐ", "Quyết định"),
    ("BC", "Báo cáo"),
    ("HD", "Hướng dẫn"),
]
TOPICS = [
    "công tác xây dựng, chỉnh đốn Đảng",
    "chuyển đổi số trong cơ quan Đảng",
    "phát triển kinh tế tập thể",
    "cải cách hành chính",
    "xây dựng nông thôn mới nâng cao",
    "phòng, chống tham nhũng, lãng phí",
    "công tác dân vận của hệ thống chính trị",
    "bảo vệ nền tảng tư tưởng của Đảng",
    "phát triển đảng viên ở nông thôn",
    "nâng cao chất lượng sinh hoạt chi bộ",
    "công tác kiểm tra, giám sát và thi hành kỷ luật đảng",
    "quy hoạch, đào tạo, bồi dưỡng cán bộ",
    "học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "bảo đảm quốc phòng, an ninh ở cơ sở",
    "phát triển văn hóa, con người",
    "giảm nghèo bền vững",
    "bảo vệ môi trường và ứng phó biến đổi khí hậu",
    "phát triển khoa học, công nghệ và đổi mới sáng tạo",
    "công tác thi đua, khen thưởng",
    "tiếp công dân, giải quyết khiếu nại, tố cáo",
    "hòa giải ở cơ sở",
    "quy hoạch sử dụng đất",
    "chăm sóc sức khỏe nhân dân",
    "giáo dục và đào tạo",
    "phát triển du lịch",
    "xây dựng đội ngũ cán bộ cấp chiến lược",
    "công tác tổ chức đại hội đảng bộ các cấp",
    "thu hút đầu tư",
    "kinh tế số và xã hội số",
    "công tác bảo vệ chính trị nội bộ",
]
VERBS = [
    "Triển khai thực hiện",
    "Tổ chức quán triệt",
    "Xây dựng kế hoạch thực hiện",
    "Kiểm tra, giám sát việc thực hiện",
    "Sơ kết việc thực hiện",
    "Tổng kết",
    "Báo cáo kết quả",
    "Rà soát, bổ sung quy chế về",
    "Tuyên truyền sâu rộng",
    "Tăng cường sự lãnh đạo của Đảng đối với",
    "Đẩy mạnh",
    "Nâng cao hiệu quả",
]
SUBJECTS = [
    "Các cấp ủy, tổ chức đảng",
    "Ban Thường vụ Tỉnh ủy",
    "Các đảng ủy xã, phường",
    "Mặt trận Tổ quốc và các đoàn thể",
    "Các chi bộ",
    "Ủy ban nhân dân các cấp",
    "Các ban xây dựng Đảng",
    "Người đứng đầu cấp ủy",
]
CLAUSES = [
    "với sự tham gia của đội ngũ cán bộ, đảng viên",
    "gắn với trách nhiệm của người đứng đầu",
    "bảo đảm thiết thực, hiệu quả",
    "theo đúng tinh thần nghị quyết",
    "định kỳ hằng quý báo cáo kết quả",
    "phát huy vai trò tiên phong, gương mẫu",
    "trong toàn Đảng bộ tỉnh",
    "trên địa bàn",
    "nâng cao năng lực lãnh đạo và sức chiến đấu",
    "củng cố niềm tin của nhân dân",
]
SYLLABLES = (
    "Tân Phong Hòa Bình An Phú Thịnh Hưng Minh Đức Quang Trung Nghĩa Lộc Thạch Sơn Long Thành "
    "Vĩnh Hải Đông Nam Bắc Xuân Yên Lạc Mỹ Cát Bảo Khánh Tiến Thuận Hợp Kim Ngọc Phúc"
).split()


class Folded:
    """A list of phrases with their folded forms computed once (folding 1M texts char by char
    would cost minutes)."""

    def __init__(self, phrases: list[str]) -> None:
        from nqtrack.core.text import fold_words

        self.raw = phrases
        self.folded = [fold_words(p).strip() for p in phrases]

    def pick(self, rng: random.Random) -> tuple[str, str]:
        i = rng.randrange(len(self.raw))
        return self.raw[i], self.folded[i]


def document_rows(
    rng: random.Random, n_docs: int, owners: list[tuple[int, str]], issuers: dict[int, str]
) -> Iterator[tuple[Any, ...]]:
    """Rows for Document: (owner_id, issuer_id, symbol, number, doc_type, type_name, signed_on,
    title, security_level, full_text, search_text, created_at, updated_at).

    search_text is what services._search_text gives: type name, symbol, "số N", title, text."""
    from nqtrack.core.text import fold_words

    topics, verbs, subjects, clauses = (Folded(x) for x in (TOPICS, VERBS, SUBJECTS, CLAUSES))
    places = Folded([f"{a} {b}" for a in SYLLABLES for b in SYLLABLES if a != b])
    types = Folded([name for _, name in TYPES])
    abbrs = {issuer: fold_words(a).strip() for issuer, a in issuers.items()}
    numbers: dict[tuple[int, int, str], int] = {}
    first = datetime.date(2010, 1, 1)
    now = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)
    levels, weights = ["normal", "confidential", "secret"], [85, 10, 5]
    for _ in range(n_docs):
        owner_id, issuer_abbr = owners[rng.randrange(len(owners))]
        issuer_id = owner_id
        t = rng.randrange(len(TYPES))
        code, type_name = TYPES[t]
        signed_on = first + datetime.timedelta(days=rng.randrange(6000))
        key = (issuer_id, signed_on.year, code)
        number = numbers[key] = numbers.get(key, 0) + 1
        symbol = f"{number:02d}-{code}/{issuer_abbr}"
        topic, f_topic = topics.pick(rng)
        place, f_place = places.pick(rng)
        verb, f_verb = verbs.pick(rng)
        year = signed_on.year
        title = f"về {topic} tại {place} giai đoạn {year}-{year + 5}"
        f_title = f"ve {f_topic} tai {f_place} giai doan {year} {year + 5}"
        raw_parts, fold_parts = [], []
        for _s in range(rng.randint(3, 6)):
            subject, f_subject = subjects.pick(rng)
            v2, f_v2 = verbs.pick(rng)
            tp, f_tp = topics.pick(rng)
            clause, f_clause = clauses.pick(rng)
            raw_parts.append(f"{subject} {v2.lower()} {tp}, {clause}.")
            fold_parts.append(f"{f_subject} {f_v2} {f_tp} {f_clause}")
        full_text = f"{verb} {topic}. " + " ".join(raw_parts)
        f_code = fold_words(code).strip()
        search_text = (
            f" {types.folded[t]} {number:02d} {f_code} {abbrs[issuer_id]} so {number}"
            f" {f_title} {f_verb} {f_topic} {' '.join(fold_parts)} "
        )
        security = rng.choices(levels, weights)[0]
        yield (
            owner_id,
            issuer_id,
            symbol,
            number,
            code,
            type_name,
            signed_on,
            title,
            security,
            full_text,
            search_text,
            now,
            now,
        )


COLUMNS = [
    "owner_id",
    "issuer_id",
    "symbol",
    "number",
    "doc_type",
    "type_name",
    "signed_on",
    "title",
    "security_level",
    "full_text",
    "search_text",
    "created_at",
    "updated_at",
]


def load(connection: Any, scale: float, seed: int, log: Log) -> dict[str, Any]:
    from django.db import transaction

    from bench import generate as gen
    from nqtrack.documents import search
    from nqtrack.documents.models import Document

    rng = random.Random(seed)
    start = time.perf_counter()
    with transaction.atomic():
        orgs, _timings = gen.build_tree(connection, rng, 0.1)
    central = next(o for o in orgs.values() if o.category == "central")
    root = next(o for o in orgs.values() if o.category == "root")
    communes = [o for o in orgs.values() if o.category == "commune"]
    province_user, commune_user = gen.make_users(root, communes[0])
    tree_s = time.perf_counter() - start
    # Central and provincial documents kept by the province registry, the rest by communes.
    owners = [(central.id, "TW")] * 2 + [(root.id, "TU")] * 5
    owners += [(c.id, "ĐU") for c in communes]
    issuers = {oid: abbr for oid, abbr in owners}
    n_docs = max(1, round(DOCS_AT_SCALE_1 * scale))
    # central documents are kept (owned) by the province registry, as in the product
    rows = (
        (root.id if r[0] == central.id else r[0], *r[1:])
        for r in document_rows(rng, n_docs, owners, issuers)
    )
    # Outside a transaction (the benchmark) the PostgreSQL index is built once after COPY;
    # inside one (the smoke test) it stays and follows the rows.
    bulk = not connection.in_atomic_block
    start = time.perf_counter()
    with transaction.atomic():
        if bulk:
            search.drop_index(connection)
        inserted = gen.insert_rows(connection, Document, COLUMNS, rows)
    insert_s = time.perf_counter() - start
    start = time.perf_counter()
    if bulk and connection.vendor == "postgresql":
        search.build_index(connection)
    gen.reset_sequences(connection, Document)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and bulk:
            cursor.execute("VACUUM ANALYZE documents_document")
            cursor.execute("ANALYZE organizations_organization")
        else:
            cursor.execute("ANALYZE")
    index_s = time.perf_counter() - start
    log(f"Loaded {inserted:,} documents in {insert_s:.1f} s, index and statistics {index_s:.1f} s")
    return {
        "documents": inserted,
        "units": len(orgs),
        "communes": len(communes),
        "province_user": province_user,
        "commune_user": commune_user,
        "tree_s": round(tree_s, 1),
        "insert_s": round(insert_s, 1),
        "index_s": round(index_s, 1),
    }


def _visibility(user: Any) -> tuple[str, list[Any]]:
    from nqtrack.organizations.models import SecurityLevel

    org = user.organization
    levels = list(SecurityLevel.up_to(user.clearance))
    ancestors = list(org.ancestor_paths())
    sql = (
        "d.owner_id IN (SELECT o.id FROM organizations_organization o WHERE o.path IN ({a}) "
        "OR o.path LIKE %s) AND d.security_level IN ({s})"
    ).format(a=", ".join(["%s"] * len(ancestors)), s=", ".join(["%s"] * len(levels)))
    return sql, [*ancestors, org.path + "%", *levels]


def bare_sql(connection: Any, user: Any, query: str, *, index: bool) -> list[tuple[str, list]]:
    """Count and first page (50, by date) in hand-written SQL: through the index, or the LIKE
    scan over the folded column (each word padded with spaces: whole words, same full scan)."""
    from nqtrack.core.text import search_terms
    from nqtrack.documents import search

    terms = search_terms(query)
    vis, vis_params = _visibility(user)
    if not index:
        match = " AND ".join(["d.search_text LIKE %s"] * len(terms))
        params = [f"% {t} %" for t in terms]
    elif connection.vendor == "postgresql":
        match = "d.search_vector @@ plainto_tsquery('simple'::regconfig, %s)"
        params = [" ".join(terms)]
    else:
        match = f"d.id IN (SELECT rowid FROM {search.FTS_TABLE} WHERE {search.FTS_TABLE} MATCH %s)"
        params = [search.fts5_query(terms)]
    where = f"FROM documents_document d WHERE {match} AND {vis}"
    return [
        (f"SELECT COUNT(*) {where}", [*params, *vis_params]),
        (
            f"SELECT d.id, d.symbol, d.title {where} ORDER BY d.signed_on DESC, d.id DESC LIMIT 50",
            [*params, *vis_params],
        ),
    ]


def run_bare(connection: Any, statements: list[tuple[str, list]]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(*statements[0])
        count = cursor.fetchone()[0]
        cursor.execute(*statements[1])
        cursor.fetchall()
    return count


def run(
    connection: Any,
    *,
    scale: float,
    seed: int = 20261203,
    repeat: int = 11,
    log: Log = print,
) -> dict[str, Any]:
    from django.test import Client
    from django.test.utils import override_settings

    data = load(connection, scale, seed, log)
    users = {"province": data.pop("province_user"), "commune": data.pop("commune_user")}
    rows: list[dict[str, Any]] = []
    with override_settings(ALLOWED_HOSTS=["testserver", "localhost"]):
        for who, user in users.items():
            client = Client()
            client.force_login(user)
            for query in QUERIES:
                url = "/api/v1/documents/?" + _urlencode(query)
                page, response, _queries = measure_page(client, connection, url, repeat)
                count = response.json()["count"]
                index_stmts = bare_sql(connection, user, query, index=True)
                like_stmts = bare_sql(connection, user, query, index=False)
                run_bare(connection, index_stmts)  # warm
                index_samples, index_count = timed(
                    lambda s=index_stmts: run_bare(connection, s), repeat
                )
                like_samples, like_count = timed(
                    lambda s=like_stmts: run_bare(connection, s), max(3, repeat // 3)
                )
                index = summarize(index_samples)
                like = summarize(like_samples)
                rows.append(
                    {
                        "user": who,
                        "query": query,
                        "count": count,
                        "index_count": index_count,
                        "like_count": like_count,
                        "ok": count == index_count == like_count,
                        "product": page,
                        "bare_index": index,
                        "like_scan": like,
                        "ratio_vs_index": round(page["median_ms"] / index["median_ms"], 2),
                        "like_over_product": round(like["median_ms"] / page["median_ms"], 1),
                    }
                )
    return {
        "scale": scale,
        "data": data,
        "rows": rows,
        "all_checks_pass": all(r["ok"] for r in rows),
        "environment": environment(connection),
        "loadavg": _loadavg(),
    }


def _urlencode(query: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"q": query})


def _loadavg() -> str:
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "n/a"


def format_report(report: dict[str, Any]) -> str:
    env, data = report["environment"], report["data"]
    lines = [
        f"Search benchmark, scale {report['scale']}: {data['documents']:,} documents, "
        f"{data['units']:,} units",
        f"  {env['db_version']}, Python {env['python']}, Django {env['django']}, "
        f"{env['cpu_count']} CPUs, load average {report['loadavg']}",
        f"  documents inserted ({'COPY' if env['db_vendor'] == 'postgresql' else 'executemany'})"
        f" {data['documents']:,} in {data['insert_s']} s; index and statistics {data['index_s']} s",
        "",
        "  user      query            found   API ms  p95 ms  index ms  ratio  LIKE ms  LIKE/API",
    ]
    for r in report["rows"]:
        p, i, like = r["product"], r["bare_index"], r["like_scan"]
        lines.append(
            f"  {r['user']:<9} {r['query']:<15} {r['count']:>7,} {p['median_ms']:>8.1f} "
            f"{p['p95_ms']:>7.1f} {i['median_ms']:>9.1f} {r['ratio_vs_index']:>5.2f}× "
            f"{like['median_ms']:>8.1f} {r['like_over_product']:>7.1f}×"
            f"{'' if r['ok'] else '  COUNTS DIFFER'}"
        )
    lines.append(
        "  (API: GET /api/v1/documents/?q= with its visibility filter, first page of 50 and its"
        " count; index: the same count and page in bare SQL; LIKE: the full scan of before)"
    )
    lines.append(f"  counts agree: {'yes' if report['all_checks_pass'] else 'NO'}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 1,000,000 documents")
    parser.add_argument("--repeat", type=int, default=11, help="timed runs per query")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args, _unknown = parser.parse_known_args(argv)

    source = os.environ.get("DATABASE_URL") or "sqlite:///x.sqlite3"
    url = bench_database_url(source, BENCH_DB_NAME)
    print(f"Benchmark database: {re.sub(r'//[^@/]*@', '//', url)}")
    create_database(url, print)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nqtrack.settings")
    report: dict[str, Any] = {"all_checks_pass": False}
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection, connections

        call_command("migrate", interactive=False, verbosity=0)
        report = run(connection, scale=args.scale, repeat=args.repeat)
        print(format_report(report))
        connections.close_all()
    finally:
        if not args.keep:
            drop_database(url)
    return 0 if report["all_checks_pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
