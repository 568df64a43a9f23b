"""Deterministic synthetic data for the task benchmark: a province tree, documents and tasks.

Needs Django set up. Bulk rows go through the given Django `connection` (COPY on PostgreSQL,
executemany elsewhere); the services used for the realistic top of the tree and for the
documents (organization_create, document_register) write through the default alias, so the
connection must be the default one: the benchmark points DATABASE_URL at its own database, the
smoke test uses the test database.

The same seed, scale and `today` give the same data. The tasks are kept in memory so that the
benchmark can recount every figure in Python and check what the application reports.
"""

from __future__ import annotations

import datetime
import random
import time
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any, NamedTuple

from django.core.management.color import no_style
from django.db import connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from nqtrack.assignments.models import Task
from nqtrack.assignments.status import OPEN, task_status
from nqtrack.documents import services as document_services
from nqtrack.documents.models import Document, Field
from nqtrack.organizations import services as org_services
from nqtrack.organizations.models import Level, Organization, Role, SecurityLevel, User

SEED = 20261122
CODE_PREFIX = "BENCH-"
FIRST_DUE = datetime.date(2016, 1, 1)
LAST_DUE = datetime.date(2028, 12, 31)
FIELDS = [
    ("xay-dung-dang", "Xây dựng Đảng"),
    ("kinh-te", "Kinh tế"),
    ("van-hoa-xa-hoi", "Văn hóa - xã hội"),
    ("quoc-phong-an-ninh", "Quốc phòng - an ninh"),
    ("chuyen-doi-so", "Chuyển đổi số"),
    ("noi-chinh", "Nội chính, phòng chống tham nhũng"),
]
SYLLABLES = (
    "Tân Phong Hòa Bình An Phú Thịnh Hưng Minh Đức Quang Trung Nghĩa Lộc Thạch Sơn Long Thành "
    "Vĩnh Hải Đông Nam Bắc Xuân Yên Lạc Mỹ Cát Bảo Khánh Tiến Thuận Hợp Kim Ngọc Phúc"
).split()
BODIES = [
    ("VP", "Văn phòng Tỉnh ủy", "advisory_body"),
    ("BTC", "Ban Tổ chức Tỉnh ủy", "advisory_body"),
    ("UBKT", "Ủy ban Kiểm tra Tỉnh ủy", "advisory_body"),
    ("BTGDV", "Ban Tuyên giáo và Dân vận Tỉnh ủy", "advisory_body"),
    ("BNC", "Ban Nội chính Tỉnh ủy", "advisory_body"),
    ("BCSD", "Ban cán sự đảng Ủy ban nhân dân tỉnh", "government_body"),
    ("MTTQ", "Ủy ban Mặt trận Tổ quốc tỉnh", "mass_organization"),
    ("TLD", "Liên đoàn Lao động tỉnh", "mass_organization"),
    ("HND", "Hội Nông dân tỉnh", "mass_organization"),
    ("TDTN", "Tỉnh đoàn", "mass_organization"),
]
VERBS = [
    "Triển khai thực hiện",
    "Tổ chức quán triệt",
    "Xây dựng kế hoạch thực hiện",
    "Kiểm tra, giám sát việc thực hiện",
    "Sơ kết việc thực hiện",
    "Báo cáo kết quả",
    "Rà soát, bổ sung quy chế về",
    "Tuyên truyền sâu rộng",
]
TOPICS = [
    "công tác xây dựng, chỉnh đốn Đảng",
    "chuyển đổi số trong cơ quan Đảng",
    "phát triển kinh tế tập thể",
    "cải cách hành chính",
    "xây dựng nông thôn mới nâng cao",
    "phòng, chống tham nhũng, lãng phí",
    "công tác cán bộ và bảo vệ chính trị nội bộ",
    "giảm nghèo bền vững",
    "bảo vệ môi trường và ứng phó biến đổi khí hậu",
    "nhiệm vụ quốc phòng, an ninh",
]
PRODUCTS = ["Kế hoạch", "Báo cáo", "Đề án", "Quyết định", "Chương trình hành động", ""]
# (deadline_kind, weight): most tasks carry a date; continuous and none have no due date.
DEADLINE_KINDS = [
    ("date", 62),
    ("period", 18),
    ("relative", 5),
    ("recurring", 4),
    ("continuous", 8),
    ("none", 3),
]


class GenTask(NamedTuple):
    id: int
    source_document_id: int
    assigned_by_id: int
    lead_id: int
    due_on: datetime.date | None
    completed_on: datetime.date | None
    cancelled: bool
    deadline_kind: str


@dataclass
class Org:
    id: int
    code: str
    name: str
    path: str
    category: str  # central | root | body | affiliated | commune | grassroots | cell
    parent_id: int | None = None
    commune_id: int | None = None  # the commune whose subtree holds it


@dataclass
class Doc:
    id: int
    owner_id: int
    owner_path: str
    security_level: str
    commune_id: int | None


@dataclass
class Dataset:
    scale: float
    seed: int
    today: datetime.date
    central: Org
    root: Org
    orgs: dict[int, Org]
    communes: list[Org]
    documents: dict[int, Doc]
    tasks: list[GenTask]
    supporting: dict[int, list[int]]
    province_user: Any
    commune_user: Any
    commune: Org
    timings: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# Bulk insert: COPY on PostgreSQL, executemany elsewhere.


def _adapter(f: models.Field, connection: BaseDatabaseWrapper) -> Any:
    """Value conversion a column needs before the driver sees it (None: none). psycopg takes
    dates and datetimes as they are; SQLite stores them as text, as Django does."""
    if connection.vendor == "postgresql":
        return None
    ops = connection.ops
    if isinstance(f, models.DateTimeField):
        convert = ops.adapt_datetimefield_value
    elif isinstance(f, models.DateField):
        convert = ops.adapt_datefield_value
    elif isinstance(f, models.DecimalField | models.JSONField):
        return lambda v: None if v is None else f.get_db_prep_save(v, connection)
    else:
        return None
    return lambda v: None if v is None else convert(v)


def insert_rows(
    connection: BaseDatabaseWrapper,
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
) -> int:
    """Insert rows (tuples in `columns` order, attnames) into model's table; columns not given
    get their model default. Returns the row count. Runs in the caller's transaction."""
    connection = connections[connection.alias]  # the wrapper itself, not a proxy
    meta = model._meta
    given = [meta.get_field(c) for c in columns]
    names = {f.attname for f in given}
    extra: list[tuple[models.Field, Any]] = []
    for f in meta.concrete_fields:
        if f.attname in names or f.primary_key:
            continue
        default = f.get_default()  # "" for text fields without a default
        if default is None and not f.null:
            raise ValueError(f"{meta.label}.{f.name} is required; the benchmark does not fill it")
        extra.append((f, f.get_db_prep_save(default, connection)))
    fields = given + [f for f, _ in extra]
    constants = tuple(v for _, v in extra)
    adapters = [_adapter(f, connection) for f in given]
    adapt = [(i, a) for i, a in enumerate(adapters) if a is not None]
    qn = connection.ops.quote_name
    table = qn(meta.db_table)
    cols = ", ".join(qn(f.column) for f in fields)

    def prepared() -> Iterable[tuple[Any, ...]]:
        for row in rows:
            if adapt:
                row = list(row)
                for i, a in adapt:
                    row[i] = a(row[i])
            yield (*row, *constants)

    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in prepared():
                    copy.write_row(row)
                    count += 1
        else:
            batch: list[tuple[Any, ...]] = []
            placeholders = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {table} ({cols}) VALUES ({placeholders})"
            for row in prepared():
                batch.append(row)
                if len(batch) >= 10_000:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
    return count


def reset_sequences(connection: BaseDatabaseWrapper, *model_list: type[models.Model]) -> None:
    """After inserting explicit ids, move the id sequences past them (PostgreSQL)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(m=models.Max("id"))["m"] or 0) + 1


# ---------------------------------------------------------------------------------------------
# The tree.


class _Weighted:
    """rng.choices with precomputed cumulative weights (100,000 draws stay cheap)."""

    def __init__(self, items: Sequence[Any], weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cum = list(accumulate(weights))

    def pick(self, rng: random.Random) -> Any:
        return self.items[bisect_right(self.cum, rng.random() * self.cum[-1])]


def _place_name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = f"{rng.choice(SYLLABLES)} {rng.choice(SYLLABLES)}"
        if name.split()[0] != name.split()[1] and name not in used:
            used.add(name)
            return name


def build_tree(
    connection: BaseDatabaseWrapper, rng: random.Random, scale: float
) -> tuple[dict[int, Org], dict[str, float]]:
    """A province with round(3000 * scale) units: the committee, its advisory bodies and
    affiliated committees, ~100 communes and wards, their grassroots committees and cells.

    The top (central committee, province, bodies, affiliated committees) goes through
    organization_create, like real data entry, and is timed; the rest is bulk-inserted with
    paths computed here the way organization_create computes them.
    """
    levels = {lv.slug: lv for lv in Level.objects.all()}
    n_units = max(12, round(3000 * scale))
    n_bodies = max(2, round(n_units * 0.010))
    n_affiliated = max(1, round(n_units * 0.004))
    n_communes = max(2, round(n_units / 30))
    rest = n_units - 1 - n_bodies - n_affiliated - n_communes
    orgs: dict[int, Org] = {}
    timings: dict[str, float] = {}

    def service(
        code: str, name: str, kind: str, level: str, parent: Org | None, abbr: str, category: str
    ) -> Org:
        made = org_services.organization_create(
            by=None,
            code=CODE_PREFIX + code,
            name=name,
            kind=kind,
            level=levels[level],
            parent=Organization.objects.get(pk=parent.id) if parent else None,
            abbreviation=abbr,
        )
        org = Org(made.pk, made.code, made.name, made.path, category, parent and parent.id)
        orgs[org.id] = org
        return org

    start = time.perf_counter()
    central = service(
        "TW", "Ban Chấp hành Trung ương", "committee", "central", None, "TW", "central"
    )
    root = service("TU", "Tỉnh ủy Sơn Hà", "committee", "province", central, "TU", "root")
    for i in range(n_bodies):
        code, name, kind = BODIES[i % len(BODIES)]
        suffix = "" if i < len(BODIES) else f" số {i // len(BODIES) + 1}"
        service(f"{code}{i:02d}", name + suffix, kind, "province", root, code, "body")
    affiliated = [
        service(
            f"DU{i:02d}",
            f"Đảng ủy khối {i + 1} tỉnh Sơn Hà",
            "committee",
            "province",
            root,
            "ĐU",
            "affiliated",
        )
        for i in range(n_affiliated)
    ]
    timings["org_service_s"] = time.perf_counter() - start
    timings["org_service_n"] = len(orgs)

    # Bulk part: communes, then under communes and affiliated committees grassroots and cells.
    new_id = next_id(Organization)
    rows: list[tuple[Any, ...]] = []

    def add(
        code: str,
        name: str,
        short: str,
        abbr: str,
        kind: str,
        level: str,
        parent: Org,
        category: str,
        commune_id: int | None,
    ) -> Org:
        nonlocal new_id
        path = f"{parent.path}{new_id}/"
        org = Org(new_id, CODE_PREFIX + code, name, path, category, parent.id, commune_id)
        rows.append(
            (
                new_id,
                org.code,
                name,
                short,
                abbr,
                kind,
                levels[level].pk,
                parent.id,
                path,
                path.count("/") - 2,
            )
        )
        orgs[org.id] = org
        new_id += 1
        return org

    used: set[str] = set()
    communes = []
    commune_weight: list[float] = []
    for i in range(n_communes):
        ward = rng.random() < 0.25
        place = _place_name(rng, used)
        prefix = "Đảng ủy phường" if ward else "Đảng ủy xã"
        org = add(
            f"X{i:03d}",
            f"{prefix} {place}",
            prefix,
            "ĐU",
            "committee",
            "commune",
            root,
            "commune",
            None,
        )
        org.commune_id = org.id
        communes.append(org)
        commune_weight.append(rng.uniform(0.4, 2.0) * (1.4 if ward else 1.0))
    groups = _Weighted(communes, commune_weight)
    share: Counter[int] = Counter()
    for _ in range(rest):
        if affiliated and rng.random() < 0.08:
            share[rng.choice(affiliated).id] += 1
        else:
            share[groups.pick(rng).id] += 1
    for parent in [*communes, *affiliated]:
        k = share[parent.id]
        n_grassroots = round(k * 0.15)
        commune_id = parent.id if parent.category == "commune" else None
        grassroots = [
            add(
                f"{parent.code[len(CODE_PREFIX) :]}-G{j:02d}",
                f"Đảng bộ cơ sở số {j + 1}",
                "Đảng bộ cơ sở",
                "ĐU",
                "grassroots",
                "grassroots",
                parent,
                "grassroots",
                commune_id,
            )
            for j in range(n_grassroots)
        ]
        for j in range(k - n_grassroots):
            above = rng.choice(grassroots) if grassroots and rng.random() < 0.45 else parent
            where = "thôn" if parent.category == "commune" else "cơ quan"
            add(
                f"{parent.code[len(CODE_PREFIX) :]}-C{j:03d}",
                f"Chi bộ {where} {j + 1}",
                "Chi bộ",
                "CB",
                "cell",
                "cell",
                above,
                "cell",
                commune_id,
            )
    start = time.perf_counter()
    insert_rows(
        connection,
        Organization,
        [
            "id",
            "code",
            "name",
            "short_name",
            "abbreviation",
            "kind",
            "level_id",
            "parent_id",
            "path",
            "depth",
        ],
        rows,
    )
    reset_sequences(connection, Organization)
    timings["org_bulk_s"] = time.perf_counter() - start
    timings["org_bulk_n"] = len(rows)
    return orgs, timings


# ---------------------------------------------------------------------------------------------
# Documents, tasks, users.


def _end_of_quarter(day: datetime.date) -> datetime.date:
    month = ((day.month - 1) // 3 + 1) * 3
    nxt = datetime.date(day.year + (month == 12), month % 12 + 1, 1)
    return nxt - datetime.timedelta(days=1)


def _clamp(day: datetime.date, low: datetime.date, high: datetime.date) -> datetime.date:
    return max(low, min(high, day))


def _days(rng: random.Random, low: int, high: int) -> datetime.timedelta:
    return datetime.timedelta(days=rng.randint(low, high))


def make_users(root: Org, commune: Org) -> tuple[User, User]:
    province = User.objects.create(
        username="bench_tinh",
        full_name="Chuyên viên Văn phòng Tỉnh ủy",
        organization_id=root.id,
        role=Role.OFFICE,
        clearance=SecurityLevel.SECRET,
    )
    commune_user = User.objects.create(
        username="bench_xa",
        full_name="Chuyên viên Văn phòng Đảng ủy xã",
        organization_id=commune.id,
        role=Role.OFFICE,
        clearance=SecurityLevel.NORMAL,
    )
    for user in (province, commune_user):
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return province, commune_user


def make_documents(
    rng: random.Random,
    orgs: dict[int, Org],
    central: Org,
    root: Org,
    communes: list[Org],
    by: User,
    n_docs: int,
    today: datetime.date,
) -> dict[int, Doc]:
    """Documents through document_register: central and provincial ones kept by the province
    registry, some communes' own kept by the commune."""
    for slug, name in FIELDS:
        Field.objects.get_or_create(slug=slug, defaults={"name": name})
    issuers = {o.id: Organization.objects.get(pk=o.id) for o in (central, root, *communes)}
    n_central = max(1, round(n_docs * 0.1))
    n_commune = max(1, round(n_docs * 0.3))
    first = datetime.date(2015, 7, 1)
    last = max(first, today - datetime.timedelta(days=30))
    docs: dict[int, Doc] = {}
    numbers: Counter[int] = Counter()
    for i in range(n_docs):
        if i < n_central:
            issuer, owner, types, commune = central, root, ["NQ", "CT", "KL"], None
            levels = [("normal", 80), ("confidential", 12), ("secret", 8)]
        elif i < n_central + n_commune:
            commune = rng.choice(communes)
            issuer, owner, types = commune, commune, ["NQ", "KH"]
            levels = [("normal", 90), ("confidential", 10)]
        else:
            issuer, owner, types, commune = root, root, ["KH", "CT", "NQ", "TB", "KL"], None
            levels = [("normal", 80), ("confidential", 12), ("secret", 8)]
        numbers[issuer.id] += 1
        abbr = {"central": "TW", "root": "TU"}.get(issuer.category, "ĐU")
        symbol = f"{numbers[issuer.id] + 10:02d}-{rng.choice(types)}/{abbr}"
        security = rng.choices([s for s, _ in levels], [w for _, w in levels])[0]
        signed_on = first + _days(rng, 0, (last - first).days)
        document = document_services.document_register(
            by=by,
            owner=issuers[owner.id],
            issuer=issuers[issuer.id],
            symbol=symbol,
            signed_on=signed_on,
            title=f"về {rng.choice(TOPICS)} giai đoạn {signed_on.year}-{signed_on.year + 5}",
            fields=[s for s, _ in rng.sample(FIELDS, rng.choice([1, 1, 2]))],
            security_level=security,
        )
        docs[document.pk] = Doc(document.pk, owner.id, owner.path, security, commune and commune.id)
    return docs


def _lead_pools(orgs: dict[int, Org], root: Org) -> tuple[_Weighted, dict[int, _Weighted]]:
    """Who leads tasks: the province-wide pool (more at communes) and each commune's own."""
    shares = {
        "root": 0.02,
        "body": 0.18,
        "affiliated": 0.05,
        "commune": 0.40,
        "grassroots": 0.12,
        "cell": 0.23,
    }
    by_cat: Counter[str] = Counter(
        o.category for o in orgs.values() if o.path.startswith(root.path)
    )
    items, weights = [], []
    for o in orgs.values():
        if o.path.startswith(root.path):
            items.append(o.id)
            weights.append(shares[o.category] / by_cat[o.category])
    members: dict[int, list[int]] = {}
    for o in orgs.values():
        if o.commune_id is not None and o.category != "commune":
            members.setdefault(o.commune_id, []).append(o.id)
    commune_pools = {}
    for o in orgs.values():
        if o.category == "commune":
            below = members.get(o.id, [])
            # The commune committee leads 35% of its own documents' tasks, its cells the rest.
            weights_below = [0.65 / len(below)] * len(below)
            commune_pools[o.id] = _Weighted([o.id, *below], [0.35, *weights_below])
    return _Weighted(items, weights), commune_pools


def make_tasks(
    rng: random.Random,
    orgs: dict[int, Org],
    root: Org,
    docs: dict[int, Doc],
    signed: dict[int, datetime.date],
    n_tasks: int,
    first_id: int,
    today: datetime.date,
) -> tuple[list[GenTask], list[tuple[Any, ...]], dict[int, list[int]]]:
    """The tasks (kept for recounts), their full insert rows, and supporting units."""
    province_pool, commune_pools = _lead_pools(orgs, root)
    doc_weight = [rng.uniform(0.3, 3.0) * (0.6 if d.commune_id else 1.0) for d in docs.values()]
    doc_pool = _Weighted(list(docs.values()), doc_weight)
    kinds = _Weighted([k for k, _ in DEADLINE_KINDS], [w for _, w in DEADLINE_KINDS])
    fields = list(Field.objects.values_list("id", flat=True))
    tasks: list[GenTask] = []
    rows: list[tuple[Any, ...]] = []
    supporting: dict[int, list[int]] = {}
    utc = datetime.UTC
    for n in range(n_tasks):
        task_id = first_id + n
        doc: Doc = doc_pool.pick(rng)
        pool = commune_pools[doc.commune_id] if doc.commune_id else province_pool
        lead = pool.pick(rng)
        signed_on = signed[doc.id]
        kind = kinds.pick(rng)
        due_on: datetime.date | None = None
        label = ""
        if kind in ("date", "period", "relative", "recurring"):
            delay = _days(rng, 45, 1000) if rng.random() < 0.8 else _days(rng, 1000, 2200)
            due_on = _clamp(signed_on + delay, FIRST_DUE, LAST_DUE)
            if kind == "period":
                due_on = _end_of_quarter(due_on)
                label = f"Quý {(due_on.month - 1) // 3 + 1}/{due_on.year}"
            else:
                label = due_on.strftime("%d/%m/%Y")
        elif kind == "continuous":
            label = "Thường xuyên"
        completed_on: datetime.date | None = None
        cancelled = rng.random() < 0.03
        if due_on is not None and due_on < today:
            if rng.random() < 0.82:
                if rng.random() < 0.7:
                    completed_on = due_on - _days(rng, 0, 120)
                else:
                    completed_on = due_on + _days(rng, 1, 200)
        elif rng.random() < (0.15 if due_on is not None else 0.25):
            completed_on = signed_on + _days(rng, 10, 400)
        if completed_on is not None:
            completed_on = _clamp(completed_on, signed_on, today)
        tasks.append(
            GenTask(task_id, doc.id, doc.owner_id, lead, due_on, completed_on, cancelled, kind)
        )
        text = (
            f"{rng.choice(VERBS)} {rng.choice(TOPICS)} trên địa bàn, gắn với nhiệm vụ chính trị "
            f"của đơn vị (nhiệm vụ số {n + 1})"
        )
        created = datetime.datetime.combine(
            signed_on + _days(rng, 1, 20), datetime.time(2, 0), tzinfo=utc
        )
        field_id = rng.choice(fields) if rng.random() < 0.25 else None
        rows.append(
            (
                task_id,
                doc.id,
                doc.owner_id,
                text,
                lead,
                label,
                kind,
                label,
                due_on,
                rng.choice(PRODUCTS),
                field_id,
                completed_on,
                cancelled,
                created,
            )
        )
        if rng.random() < 0.3:
            chosen = {pool.pick(rng) for _ in range(rng.choice([1, 1, 1, 2, 2, 3]))} - {lead}
            if chosen:
                supporting[task_id] = sorted(chosen)
    return tasks, rows, supporting


TASK_COLUMNS = [
    "id",
    "source_document_id",
    "assigned_by_id",
    "text",
    "lead_id",
    "deadline_text",
    "deadline_kind",
    "deadline_label",
    "due_on",
    "product",
    "field_id",
    "completed_on",
    "cancelled",
    "created_at",
]


def generate(
    connection: BaseDatabaseWrapper,
    *,
    scale: float = 1.0,
    seed: int = SEED,
    today: datetime.date,
    log: Any = print,
) -> Dataset:
    """Generate and load the whole data set in one transaction; timings in `Dataset.timings`."""
    rng = random.Random(seed)
    timings: dict[str, float] = {}
    with transaction.atomic(using=connection.alias):
        orgs, tree_timings = build_tree(connection, rng, scale)
        timings.update(tree_timings)
        central = next(o for o in orgs.values() if o.category == "central")
        root = next(o for o in orgs.values() if o.category == "root")
        communes = [o for o in orgs.values() if o.category == "commune"]
        size: Counter[int] = Counter(o.commune_id for o in orgs.values() if o.commune_id)
        commune = max(communes, key=lambda c: (size[c.id], -c.id))
        province_user, commune_user = make_users(root, commune)
        start = time.perf_counter()
        n_docs = max(6, round(50 * scale))
        docs = make_documents(rng, orgs, central, root, communes, province_user, n_docs, today)
        timings["doc_service_s"] = time.perf_counter() - start
        signed = dict(
            Document.objects.filter(pk__in=docs).values_list("pk", "signed_on").iterator()
        )
        start = time.perf_counter()
        n_tasks = round(100_000 * scale)
        tasks, rows, supporting = make_tasks(
            rng, orgs, root, docs, signed, n_tasks, next_id(Task), today
        )
        rows = [(*r, province_user.pk) for r in rows]
        timings["task_generate_s"] = time.perf_counter() - start
        log(f"  generated {len(tasks):,} tasks in {timings['task_generate_s']:.2f} s; inserting")
        start = time.perf_counter()
        insert_rows(connection, Task, [*TASK_COLUMNS, "created_by_id"], rows)
        timings["task_insert_s"] = time.perf_counter() - start
        through = Task.supporting.through
        start = time.perf_counter()
        sid = next_id(through)
        pairs = [(t, o) for t, ids in supporting.items() for o in ids]
        insert_rows(
            connection,
            through,
            ["id", "task_id", "organization_id"],
            ((sid + i, t, o) for i, (t, o) in enumerate(pairs)),
        )
        reset_sequences(connection, Task, through)
        timings["supporting_insert_s"] = time.perf_counter() - start
        start = time.perf_counter()
    # Committing runs the deferred foreign-key checks of every inserted row (PostgreSQL).
    timings["commit_s"] = time.perf_counter() - start
    counts = {
        "organizations": len(orgs),
        "province_units": sum(1 for o in orgs.values() if o.path.startswith(root.path)),
        "communes": len(communes),
        "documents": len(docs),
        "tasks": len(tasks),
        "supporting_links": len(pairs),
        "max_depth": max(o.path.count("/") - 2 for o in orgs.values()),
    }
    return Dataset(
        scale=scale,
        seed=seed,
        today=today,
        central=central,
        root=root,
        orgs=orgs,
        communes=communes,
        documents=docs,
        tasks=tasks,
        supporting=supporting,
        province_user=province_user,
        commune_user=commune_user,
        commune=commune,
        timings=timings,
        counts=counts,
    )


# ---------------------------------------------------------------------------------------------
# Python recounts: what the application must report, computed without it.


def status_of(task: GenTask, today: datetime.date) -> str:
    return task_status(
        due_on=task.due_on,
        continuous=task.deadline_kind == "continuous",
        completed_on=task.completed_on,
        cancelled=task.cancelled,
        today=today,
    )


def _ancestor_paths(path: str) -> set[str]:
    parts = [p for p in path.split("/") if p]
    return {"/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))}


def visible_tasks(ds: Dataset, user: Any) -> list[GenTask]:
    """Mirror of tasks_visible_to: the user's subtree leads, assigns or supports the task, and
    the document's registry is the user's organization, an ancestor or a subordinate, within
    the user's clearance."""
    mine = ds.orgs[user.organization_id].path
    ancestors = _ancestor_paths(mine)
    allowed = set(SecurityLevel.up_to(user.clearance))
    docs = {
        d.id
        for d in ds.documents.values()
        if d.security_level in allowed
        and (d.owner_path in ancestors or d.owner_path.startswith(mine))
    }
    orgs = ds.orgs
    return [
        t
        for t in ds.tasks
        if t.source_document_id in docs
        and (
            orgs[t.lead_id].path.startswith(mine)
            or orgs[t.assigned_by_id].path.startswith(mine)
            or any(orgs[o].path.startswith(mine) for o in ds.supporting.get(t.id, ()))
        )
    ]


@dataclass
class Recount:
    total: Counter[str]
    by_unit: dict[str, Counter[str]]  # organization code -> status counts


def recount_rollup(ds: Dataset, user: Any, root: Org) -> Recount:
    """What task_rollup(user, root) must count: totals and per direct subordinate of root."""
    children = {o.id: o for o in ds.orgs.values() if o.parent_id == root.id}
    total: Counter[str] = Counter()
    by_unit: dict[str, Counter[str]] = {}
    depth = root.path.count("/")  # index of the child's id in path.split("/")
    for t in visible_tasks(ds, user):
        path = ds.orgs[t.lead_id].path
        if not path.startswith(root.path):
            continue
        status = status_of(t, ds.today)
        total[status] += 1
        parts = path.split("/")
        child = children.get(int(parts[depth])) if len(parts) > depth + 1 else None
        code = child.code if child else root.code
        by_unit.setdefault(code, Counter())[status] += 1
    return Recount(total, by_unit)


def recount_list(ds: Dataset, user: Any, *, status: str | None = None, inbox: bool = False) -> int:
    """Rows of the task list (all visible, or one status) or of the unit's inbox."""
    mine = ds.orgs[user.organization_id].path
    n = 0
    for t in visible_tasks(ds, user):
        s = status_of(t, ds.today)
        if status is not None and s != status:
            continue
        if inbox and (s not in OPEN or not ds.orgs[t.lead_id].path.startswith(mine)):
            continue
        n += 1
    return n
