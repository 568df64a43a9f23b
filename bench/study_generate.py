"""Deterministic national data for the study and dissemination benchmark.

At scale 1: the country (Ban Chấp hành Trung ương), 34 provinces, ~3,300 communes and wards,
~50,000 grassroots party organizations (about 4% of them under a province directly, its own
agencies), ~5.6 million members registered in the grassroots organizations, one resolution,
a study session held by ~90% of the grassroots organizations with an attendance row for ~98%
of their members, one national online session (no invitations) and the attendance file of
1,000,000 of its members (a CSV as an office would upload it) for the benchmark to import.
Smaller scales shrink every count (at least 2 provinces, 2 communes, 4 grassroots units).

Needs Django set up, the default connection pointing at the database to fill. The top of the
tree (country, provinces), the document and the national session go through the product's
services; the bulk (communes, grassroots, members, sessions, attendance) is generated in
Python in chunks and streamed into COPY (PostgreSQL) or executemany (SQLite), so memory stays
bounded: per member only one byte is kept (whether and how it attended), enough for the
Python recount of every roll-up figure. The same seed and scale give the same data.
"""

from __future__ import annotations

import csv
import datetime
import io
import random
import time
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

SEED = 20261122
CODE_PREFIX = "SB-"
N_PROVINCES = 34
N_COMMUNES = 3_300
N_GRASSROOTS = 50_000
N_MEMBERS = 5_600_000
N_IMPORT = 1_000_000
CHUNK = 50_000  # rows per executemany batch / per COPY flush
SIGNED_ON = datetime.date(2026, 3, 15)
NATIONAL_HELD_ON = datetime.date(2026, 4, 2)
CREATED_AT = datetime.datetime(2026, 3, 20, 2, 0, tzinfo=datetime.UTC)

# Flags kept per member ordinal: how the member stands for the document's study.
NOT_INVITED, INVITED, PRESENT = 0, 1, 3
# Grassroots sessions: (stored status, weight). "" is invited but not recorded.
SESSION_STATUSES = [("present", 86), ("excused", 7), ("absent", 4), ("", 3)]
# The national file: (status as typed in the file, stored status, weight).
FILE_STATUSES = [("Có mặt", "present", 90), ("Vắng có lý do", "excused", 6), ("Vắng", "absent", 4)]
IMPORT_HEADER = ["STT", "Mã đảng viên", "Tình trạng"]

PROVINCE_NAMES = (
    "Hà Nội, Huế, Lai Châu, Điện Biên, Sơn La, Lạng Sơn, Quảng Ninh, Thanh Hóa, Nghệ An, "
    "Hà Tĩnh, Cao Bằng, Tuyên Quang, Lào Cai, Thái Nguyên, Phú Thọ, Bắc Ninh, Hưng Yên, "
    "Hải Phòng, Ninh Bình, Quảng Trị, Đà Nẵng, Quảng Ngãi, Gia Lai, Khánh Hòa, Lâm Đồng, "
    "Đắk Lắk, Hồ Chí Minh, Đồng Nai, Tây Ninh, Cần Thơ, Vĩnh Long, Đồng Tháp, Cà Mau, An Giang"
).split(", ")
SYLLABLES = (
    "Tân Phong Hòa Bình An Phú Thịnh Hưng Minh Đức Quang Trung Nghĩa Lộc Thạch Sơn Long Thành "
    "Vĩnh Hải Đông Nam Bắc Xuân Yên Lạc Mỹ Cát Bảo Khánh Tiến Thuận Hợp Kim Ngọc Phúc"
).split()
FAMILY = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý".split()
MIDDLE_M = "Văn Hữu Đức Minh Quốc Công Thanh Xuân Đình Ngọc".split()
MIDDLE_F = "Thị Ngọc Thu Thanh Kim Minh Hồng Bích Diệu Mỹ".split()
GIVEN_M = "Anh Bình Cường Dũng Hải Hùng Khoa Long Nam Phong Quân Sơn Tâm Thắng Tuấn Việt".split()
GIVEN_F = "Anh Châu Dung Hà Hằng Hoa Hương Lan Linh Mai Nga Oanh Phương Thảo Trang Yến".split()

Log = Callable[[str], None]


@dataclass
class Unit:
    id: int
    code: str
    name: str
    path: str
    level: str  # central | province | commune | grassroots
    parent_id: int | None
    first_member: int = 0  # ordinal of its first member (members are contiguous per unit)
    n_members: int = 0


@dataclass
class StudyDataset:
    scale: float
    seed: int
    root: Unit
    units: dict[int, Unit]
    provinces: list[Unit]
    communes: list[Unit]
    grassroots: list[Unit]
    user: Any  # office user of the country root, clearance secret
    document_id: int
    national_session_id: int
    first_member_id: int  # member id of ordinal 0
    n_members: int
    flags: bytearray  # per member ordinal: NOT_INVITED, INVITED or PRESENT
    import_csv: bytes  # the attendance file of the national session
    import_ordinals: array  # the file's members (ordinals), in file order
    import_statuses: bytes  # the file's stored statuses, as indexes into FILE_STATUSES
    timings: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def import_rows(self) -> Iterator[tuple[int, int, str]]:
        """(session id, member id, status): the attendance rows the file stands for."""
        sid, first = self.national_session_id, self.first_member_id
        stored = [s for _typed, s, _w in FILE_STATUSES]
        for ordinal, k in zip(self.import_ordinals, self.import_statuses, strict=True):
            yield sid, first + ordinal, stored[k]

    def apply_import(self) -> None:
        """Record the imported file in the flags (after the import succeeded)."""
        for ordinal, k in zip(self.import_ordinals, self.import_statuses, strict=True):
            if FILE_STATUSES[k][1] == "present":
                self.flags[ordinal] = PRESENT
            elif self.flags[ordinal] == NOT_INVITED:
                self.flags[ordinal] = INVITED


def scaled_counts(scale: float) -> dict[str, int]:
    provinces = max(2, round(N_PROVINCES * scale))
    communes = max(provinces, 2, round(N_COMMUNES * scale))
    grassroots = max(communes + 2, 4, round(N_GRASSROOTS * scale))
    members = max(10 * grassroots, round(N_MEMBERS * scale))
    return {
        "provinces": provinces,
        "communes": communes,
        "grassroots": grassroots,
        "members": members,
        "import_rows": max(10, min(members // 2, round(N_IMPORT * scale))),
    }


# ---------------------------------------------------------------------------------------------
# Bulk rows.


def stream_rows(
    connection: BaseDatabaseWrapper,
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
) -> int:
    """Stream rows (tuples of ints, strings, booleans, None; dates already as ISO text) into
    the table: one COPY … FROM STDIN on PostgreSQL (psycopg writes each row as COPY text into
    the stream), executemany batches of CHUNK rows on SQLite. Caller's transaction."""
    qn = connection.ops.quote_name
    meta = model._meta
    table = qn(meta.db_table)
    cols = ", ".join(qn(meta.get_field(c).column) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                write = copy.write_row
                for row in rows:
                    write(row)
                    count += 1
            return count
        sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['%s'] * len(columns))})"
        batch: list[Sequence[Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= CHUNK:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _datetime_text(connection: BaseDatabaseWrapper, value: datetime.datetime) -> str:
    if connection.vendor == "postgresql":
        return value.isoformat()
    return str(connection.ops.adapt_datetimefield_value(value))


def _split(total: int, weights: Sequence[float], minimum: int) -> list[int]:
    """`total` split in proportion to `weights`, each part ≥ minimum, summing to total."""
    n = len(weights)
    spare = total - minimum * n
    if spare < 0:
        raise ValueError("not enough to give every part its minimum")
    s = sum(weights)
    exact = [spare * w / s for w in weights]
    parts = [minimum + int(x) for x in exact]
    # Rounding leftovers (fewer than n) to the largest remainders.
    order = sorted(range(n), key=lambda k: int(exact[k]) - exact[k])
    for k in order[: total - sum(parts)]:
        parts[k] += 1
    return parts


def _place_name(rng: random.Random, used: set[str]) -> str:
    for _ in range(50):
        name = f"{rng.choice(SYLLABLES)} {rng.choice(SYLLABLES)}"
        if name.split()[0] != name.split()[1] and name not in used:
            used.add(name)
            return name
    name = f"{rng.choice(SYLLABLES)} {rng.choice(SYLLABLES)} {len(used) + 1}"
    used.add(name)
    return name


# ---------------------------------------------------------------------------------------------
# The tree.


def build_tree(
    connection: BaseDatabaseWrapper, rng: random.Random, sizes: dict[str, int]
) -> tuple[Unit, dict[int, Unit], dict[str, float]]:
    from bench.generate import insert_rows, next_id, reset_sequences
    from nqtrack.organizations import services as org_services
    from nqtrack.organizations.models import Level, Organization

    levels = {lv.slug: lv for lv in Level.objects.all()}
    units: dict[int, Unit] = {}
    timings: dict[str, float] = {}

    start = time.perf_counter()
    made = org_services.organization_create(
        by=None,
        code=CODE_PREFIX + "TW",
        name="Ban Chấp hành Trung ương Đảng",
        kind="committee",
        level=levels["central"],
        abbreviation="TW",
    )
    root = Unit(made.pk, made.code, made.name, made.path, "central", None)
    units[root.id] = root
    provinces: list[Unit] = []
    for i in range(sizes["provinces"]):
        place = PROVINCE_NAMES[i % len(PROVINCE_NAMES)]
        suffix = "" if i < len(PROVINCE_NAMES) else f" {i // len(PROVINCE_NAMES) + 1}"
        p = org_services.organization_create(
            by=None,
            code=f"{CODE_PREFIX}T{i:02d}",
            name=f"Đảng bộ tỉnh {place}{suffix}",
            kind="committee",
            level=levels["province"],
            parent=made,
            abbreviation="TU",
        )
        unit = Unit(p.pk, p.code, p.name, p.path, "province", root.id)
        units[unit.id] = unit
        provinces.append(unit)
    timings["org_service_s"] = time.perf_counter() - start
    timings["org_service_n"] = len(units)

    new_id = next_id(Organization)
    rows: list[tuple[Any, ...]] = []

    def add(code: str, name: str, short: str, abbr: str, kind: str, level: str, parent: Unit):
        nonlocal new_id
        path = f"{parent.path}{new_id}/"
        unit = Unit(new_id, CODE_PREFIX + code, name, path, level, parent.id)
        rows.append(
            (
                new_id,
                unit.code,
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
        units[unit.id] = unit
        new_id += 1
        return unit

    # Communes: every province gets one, the rest by province size.
    weight = [rng.uniform(0.5, 2.0) for _ in provinces]
    per_province = _split(sizes["communes"], weight, 1)
    used: set[str] = set()
    communes: list[Unit] = []
    for p, k in zip(provinces, per_province, strict=True):
        for j in range(k):
            ward = rng.random() < 0.25
            prefix = "Đảng ủy phường" if ward else "Đảng ủy xã"
            communes.append(
                add(
                    f"{p.code[len(CODE_PREFIX) :]}-X{j:03d}",
                    f"{prefix} {_place_name(rng, used)}",
                    prefix,
                    "ĐU",
                    "committee",
                    "commune",
                    p,
                )
            )
    # Grassroots: ~4% under the provinces (their agencies), the rest in communes (≥ 1 each).
    n_grassroots = sizes["grassroots"]
    n_direct = min(round(n_grassroots * 0.04), n_grassroots - len(communes))
    parents = [*communes, *provinces]
    weights = [rng.uniform(0.4, 2.2) for _ in communes]
    in_communes = _split(n_grassroots - n_direct, weights, 1)
    direct = _split(n_direct, [1.0] * len(provinces), 0) if n_direct else [0] * len(provinces)
    grassroots: list[Unit] = []
    for parent, k in zip(parents, [*in_communes, *direct], strict=True):
        for j in range(k):
            kind, name = ("grassroots", f"Đảng bộ cơ sở số {j + 1}")
            if rng.random() < 0.55:
                kind, name = ("cell", f"Chi bộ cơ sở số {j + 1}")
            grassroots.append(
                add(
                    f"{parent.code[len(CODE_PREFIX) :]}-G{j:03d}",
                    name,
                    name.rsplit(" số", 1)[0],
                    "ĐU" if kind == "grassroots" else "CB",
                    kind,
                    "grassroots",
                    parent,
                )
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
    return root, units, timings


# ---------------------------------------------------------------------------------------------
# Members, sessions, attendance.


def _name_pool(rng: random.Random, n: int = 4096) -> list[tuple[str, str, str]]:
    """(full name, sex, birth date) drawn once; members pick from the pool."""
    pool = []
    first, last = datetime.date(1945, 1, 1).toordinal(), datetime.date(2005, 12, 31).toordinal()
    for _ in range(n):
        female = rng.random() < 0.38
        middle, given = (MIDDLE_F, GIVEN_F) if female else (MIDDLE_M, GIVEN_M)
        name = f"{rng.choice(FAMILY)} {rng.choice(middle)} {rng.choice(given)}"
        born = datetime.date.fromordinal(rng.randint(first, last)).isoformat()
        pool.append((name, "female" if female else "male", born))
    return pool


MEMBER_COLUMNS = [
    "id",
    "code",
    "full_name",
    "organization_id",
    "birth_date",
    "sex",
    "posts",
    "exempt_party_activities",
    "ill_health",
    "retired",
    "rural_no_post",
    "created_at",
    "updated_at",
]


def member_code(ordinal: int) -> str:
    return f"DV{ordinal + 1:08d}"


def member_rows(
    rng: random.Random, grassroots: list[Unit], first_id: int, created: str
) -> Iterator[tuple[Any, ...]]:
    pool = _name_pool(rng)
    bits = 12  # len(pool) == 4096
    getrandbits, rand = rng.getrandbits, rng.random
    for unit in grassroots:
        org_id = unit.id
        for ordinal in range(unit.first_member, unit.first_member + unit.n_members):
            name, sex, born = pool[getrandbits(bits)]
            r = rand()
            yield (
                first_id + ordinal,
                member_code(ordinal),
                name,
                org_id,
                born,
                sex,
                "",
                r < 0.01,  # exempted from party activities
                0.01 <= r < 0.03,  # ill health
                0.03 <= r < 0.08,  # retired
                False,
                created,
                created,
            )


def attendance_rows(
    rng: random.Random,
    sessions: list[tuple[int, Unit]],
    first_id: int,
    flags: bytearray,
) -> Iterator[tuple[int, int, str]]:
    """Rows of the grassroots sessions: ~98% of each unit's members invited."""
    (present, _p), (excused, _e), (absent, _a), (unrecorded, _u) = SESSION_STATUSES
    total = sum(w for _s, w in SESSION_STATUSES)
    c1, c2, c3 = _p / total, (_p + _e) / total, (_p + _e + _a) / total
    rand = rng.random
    for session_id, unit in sessions:
        for ordinal in range(unit.first_member, unit.first_member + unit.n_members):
            if rand() < 0.02:
                continue  # not invited (newly admitted, transferred…)
            r = rand()
            if r < c1:
                flags[ordinal] = PRESENT
                yield session_id, first_id + ordinal, present
                continue
            flags[ordinal] = INVITED
            yield (
                session_id,
                first_id + ordinal,
                excused if r < c2 else absent if r < c3 else unrecorded,
            )


def make_import_file(rng: random.Random, n_members: int, n_rows: int) -> tuple[bytes, array, bytes]:
    """The national session's attendance file: n_rows distinct members in random order."""
    ordinals = array("i", rng.sample(range(n_members), n_rows))
    weights = [w for _t, _s, w in FILE_STATUSES]
    statuses = bytes(rng.choices(range(len(FILE_STATUSES)), weights, k=n_rows))
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(IMPORT_HEADER)
    typed = [t for t, _s, _w in FILE_STATUSES]
    pairs = zip(ordinals, statuses, strict=True)
    writer.writerows((i + 1, member_code(o), typed[k]) for i, (o, k) in enumerate(pairs))
    return text.getvalue().encode("utf-8"), ordinals, statuses


# ---------------------------------------------------------------------------------------------


def generate(
    connection: BaseDatabaseWrapper,
    *,
    scale: float = 1.0,
    seed: int = SEED,
    log: Log = print,
) -> StudyDataset:
    """Generate and load the data set in one transaction; timings in `timings` (seconds)."""
    from bench.generate import insert_rows, next_id, reset_sequences
    from nqtrack.dissemination import sessions as session_services
    from nqtrack.dissemination.models import Attendance, Member, SessionFormat, StudySession
    from nqtrack.documents import services as document_services
    from nqtrack.organizations.models import Organization, Role, SecurityLevel, User

    rng = random.Random(seed)
    sizes = scaled_counts(scale)
    timings: dict[str, float] = {}
    created = _datetime_text(connection, CREATED_AT)
    started = time.perf_counter()
    with transaction.atomic(using=connection.alias):
        root, units, tree_timings = build_tree(connection, rng, sizes)
        timings.update(tree_timings)
        provinces = [u for u in units.values() if u.level == "province"]
        communes = [u for u in units.values() if u.level == "commune"]
        grassroots = [u for u in units.values() if u.level == "grassroots"]
        log(
            f"  tree: {len(provinces)} provinces, {len(communes):,} communes, "
            f"{len(grassroots):,} grassroots ({timings['org_bulk_s']:.1f} s)"
        )

        user = User.objects.create(
            username="bench_tw",
            full_name="Chuyên viên Văn phòng Trung ương Đảng",
            organization_id=root.id,
            role=Role.OFFICE,
            clearance=SecurityLevel.SECRET,
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        start = time.perf_counter()
        root_org = Organization.objects.get(pk=root.id)
        document = document_services.document_register(
            by=user,
            owner=root_org,
            issuer=root_org,
            symbol="57-NQ/TW",
            signed_on=SIGNED_ON,
            title="về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số",
        )
        timings["document_s"] = time.perf_counter() - start

        # Members: sizes per grassroots unit vary ~1:10; contiguous ordinals per unit.
        weights = [rng.lognormvariate(0, 0.6) for _ in grassroots]
        per_unit = _split(sizes["members"], weights, 3)
        ordinal = 0
        for unit, n in zip(grassroots, per_unit, strict=True):
            unit.first_member, unit.n_members = ordinal, n
            ordinal += n
        n_members = ordinal
        first_member_id = next_id(Member)
        start = time.perf_counter()
        stream_rows(
            connection,
            Member,
            MEMBER_COLUMNS,
            member_rows(rng, grassroots, first_member_id, created),
        )
        reset_sequences(connection, Member)
        timings["members_s"] = time.perf_counter() - start
        log(f"  members: {n_members:,} in {timings['members_s']:.1f} s")

        # A session per grassroots unit that has held it (~90%), covering the document.
        held = [u for u in grassroots if rng.random() < 0.9]
        first_session = next_id(StudySession)
        sessions = [(first_session + i, u) for i, u in enumerate(held)]
        start = time.perf_counter()
        insert_rows(
            connection,
            StudySession,
            ["id", "organizer_id", "title", "held_on", "format", "created_at", "created_by_id"],
            (
                (
                    sid,
                    u.id,
                    "Hội nghị học tập, quán triệt Nghị quyết 57-NQ/TW",
                    SIGNED_ON + datetime.timedelta(days=rng.randint(10, 100)),
                    SessionFormat.IN_PERSON.value,
                    CREATED_AT,
                    user.pk,
                )
                for sid, u in sessions
            ),
        )
        through = StudySession.documents.through
        first_link = next_id(through)
        insert_rows(
            connection,
            through,
            ["id", "studysession_id", "document_id"],
            ((first_link + i, sid, document.pk) for i, (sid, _u) in enumerate(sessions)),
        )
        reset_sequences(connection, StudySession, through)
        timings["sessions_s"] = time.perf_counter() - start

        flags = bytearray(n_members)
        start = time.perf_counter()
        n_attendance = stream_rows(
            connection,
            Attendance,
            ["session_id", "member_id", "status"],
            attendance_rows(rng, sessions, first_member_id, flags),
        )
        timings["attendance_s"] = time.perf_counter() - start
        log(f"  attendance: {n_attendance:,} rows in {timings['attendance_s']:.1f} s")

        # The national online session, through the service, nobody invited yet: its
        # attendance comes from the file the benchmark imports.
        start = time.perf_counter()
        national = session_services.study_session_create(
            by=user,
            organizer=root_org,
            documents=[document],
            held_on=NATIONAL_HELD_ON,
            format=SessionFormat.ONLINE,
            connection_points=sizes["provinces"] + sizes["communes"],
            title="Hội nghị toàn quốc quán triệt Nghị quyết 57-NQ/TW (trực tuyến)",
            invite_members=False,
        )
        timings["national_session_s"] = time.perf_counter() - start
        start = time.perf_counter()
        import_csv, import_ordinals, import_statuses = make_import_file(
            rng, n_members, sizes["import_rows"]
        )
        timings["import_file_s"] = time.perf_counter() - start
        start = time.perf_counter()
    timings["commit_s"] = time.perf_counter() - start
    timings["total_s"] = time.perf_counter() - started
    counts = {
        "provinces": len(provinces),
        "communes": len(communes),
        "grassroots": len(grassroots),
        "organizations": len(units),
        "members": n_members,
        "sessions": len(sessions) + 1,
        "attendance_rows": n_attendance,
        "import_rows": len(import_ordinals),
        "import_file_bytes": len(import_csv),
    }
    return StudyDataset(
        scale=scale,
        seed=seed,
        root=root,
        units=units,
        provinces=provinces,
        communes=communes,
        grassroots=grassroots,
        user=user,
        document_id=document.pk,
        national_session_id=national.pk,
        first_member_id=first_member_id,
        n_members=n_members,
        flags=flags,
        import_csv=import_csv,
        import_ordinals=import_ordinals,
        import_statuses=import_statuses,
        timings=timings,
        counts=counts,
    )


# ---------------------------------------------------------------------------------------------
# Python recounts: what the roll-ups must report, from the generated data alone.

KEYS = ("members", "invited", "attended")


def unit_counts(ds: StudyDataset) -> dict[int, Counter[str]]:
    """Members, invited and attended of each unit's own register (grassroots units only)."""
    out: dict[int, Counter[str]] = {}
    for unit in ds.grassroots:
        part = ds.flags[unit.first_member : unit.first_member + unit.n_members]
        out[unit.id] = Counter(
            members=unit.n_members,
            invited=unit.n_members - part.count(NOT_INVITED),
            attended=part.count(PRESENT),
        )
    return out


def recount_subtrees(ds: StudyDataset) -> dict[int, Counter[str]]:
    """Every unit's subtree totals (units with no member in their subtree are left out)."""
    totals: dict[int, Counter[str]] = {}
    for unit_id, counts in unit_counts(ds).items():
        for part in ds.units[unit_id].path.strip("/").split("/"):
            totals.setdefault(int(part), Counter()).update(counts)
    return {k: v for k, v in totals.items() if any(v[key] for key in KEYS)}


def recount_rollup(ds: StudyDataset, root: Unit) -> dict[str, dict[str, int]]:
    """What study_rollup(root) must report: the total and each direct subordinate (by code),
    members / invited / attended / not_studied."""
    subtrees = recount_subtrees(ds)
    out: dict[str, dict[str, int]] = {}
    rows = [("total", root.id)] + [
        (u.code, u.id) for u in ds.units.values() if u.parent_id == root.id
    ]
    for key, unit_id in rows:
        c = subtrees.get(unit_id, Counter())
        if key != "total" and not any(c[k] for k in KEYS):
            continue
        out[key] = {k: c[k] for k in KEYS} | {"not_studied": c["members"] - c["attended"]}
    return out
