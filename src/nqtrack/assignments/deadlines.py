"""Reading a task's deadline as Party documents write it ("trước ngày 30/6/2025", "quý III/2025",
"trong 30 ngày kể từ ngày ký", "hằng năm", "thường xuyên") into a kind, a due date and a label.

Matching runs on folded text (no diacritics, lower case, đ → d, dashes → "-") with the ``re``
module only: dates are recognized in the forms documents use, never guessed. Rules where the
contract leaves a choice:

- A year left out ("trước ngày 10/6", "quý III", "tháng 8") is the reference date's year, even
  when that puts the deadline before the reference date. A day/month without a year counts only
  after a deadline marker (so "khoản 1.2" is no date).
- Dates are read first and blanked out, so "ngày 30 tháng 6 năm 2025" is not also "tháng 6".
  A date right after a marker ("trước", "chậm nhất", "hạn", "hoàn thành", "xong", "đến", "trong")
  is a *marked* date; a date following a marked one in a list ("trước ngày 15/6, 15/9") is marked
  too. An unmarked date counts only when it has a year, is after the reference date, and its
  clause does not cite a document (a symbol or type name), a meeting or a start ("từ ngày").
- Precedence: recurring > explicit (marked dates, periods, relative spans) > continuous > an
  unmarked future date > none. Among explicit cues the latest due date wins (several steps of one
  task end with the last), except that a period containing a marked date yields to that date.
- "năm 2025" alone is a period only after a marker ("trong", "đến hết", "cuối", ...) or at the
  start of the text, so "Luật Đất đai năm 2024" is no deadline.
- "trong (vòng) N ngày" counts calendar days; only "N ngày làm việc" counts working days.
  "kể từ ngày <date>" counts from that date, otherwise from the reference (signing) date.
- Recurring: the due date is the end of the period (week, month, quarter, half-year, year,
  aligned to the calendar) containing the day after the reference date. With written days
  ("hằng năm, trước ngày 15/12", "trước ngày 25 hằng tháng") it is the first such day strictly
  after the reference date; a written date with a year after the reference date is kept as is.
  Several recurrences: the earliest due date (the most frequent one) wins.
"""

from __future__ import annotations

import calendar as _cal
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

from nqtrack.core.text import fold
from nqtrack.documents.calendar import anniversary, months_before

__all__ = [
    "CONTINUOUS",
    "DATE",
    "KINDS",
    "LABELS",
    "NONE",
    "PERIOD",
    "RECURRING",
    "RELATIVE",
    "Deadline",
    "add_working_days",
    "parse_deadline",
]

DATE, PERIOD, RELATIVE, RECURRING, CONTINUOUS, NONE = (
    "date",
    "period",
    "relative",
    "recurring",
    "continuous",
    "none",
)
KINDS = (DATE, PERIOD, RELATIVE, RECURRING, CONTINUOUS, NONE)
MIN_YEAR, MAX_YEAR = 1900, 2100

# Label templates, plain Vietnamese; the caller wires translation.
LABELS: dict[str, str] = {
    "before": "Trước ngày {date}",
    "no_later": "Chậm nhất ngày {date}",
    "until": "Đến ngày {date}",
    "on": "Ngày {date}",
    "quarter": "Quý {quarter}/{year}",
    "month": "Tháng {month}/{year}",
    "first_months": "{n} tháng đầu năm {year}",
    "last_months": "{n} tháng cuối năm {year}",
    "year": "Năm {year}",
    "span": "Giai đoạn {first}–{year}",
    "ngay": "{n} ngày",
    "ngay_lv": "{n} ngày làm việc",
    "tuan": "{n} tuần",
    "thang": "{n} tháng",
    "nam": "{n} năm",
    "since": "{span} kể từ {event}",
    "within": "Trong {span}",
    "weekly": "Hằng tuần",
    "every_1": "Hằng tháng",
    "every_3": "Hằng quý",
    "every_6": "Định kỳ 6 tháng",
    "every_12": "Hằng năm",
    "every_n": "Định kỳ {n} tháng",
    "every_on": "{every}, trước ngày {days}",
    "continuous": "Thường xuyên",
    "term": "Trong suốt nhiệm kỳ",
    "ongoing": "Liên tục",
    "long_term": "Lâu dài",
    "daily": "Hằng ngày",
    "none": "Không có thời hạn",
}
_EVENTS: dict[str, str] = {
    "ky": "ngày ký",
    "ban hanh": "ngày ban hành",
    "nhan duoc": "ngày nhận được",
    "co hieu luc": "ngày có hiệu lực",
}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_ROMAN_LABEL = {1: "I", 2: "II", 3: "III", 4: "IV"}


@dataclass(frozen=True)
class Deadline:
    kind: str
    due_on: date | None
    label: str


@dataclass(frozen=True)
class _Written:
    """A date as written: where it is, its parts, the day it names and the marker before it."""

    start: int
    end: int
    day: int
    month: int
    year: int | None
    on: date | None
    marker: str | None


_T = TypeVar("_T")
_DASHES = str.maketrans({ch: "-" for ch in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"})
_FUND_RE = re.compile(r"quỹ", re.IGNORECASE)  # "quỹ" (a fund) must not fold to "quý"
_DATE_RE = re.compile(
    r"(?<![\d/.-])(?P<d>\d{1,2})[ \t]?(?P<sep>[/.-])[ \t]?(?P<m>\d{1,2})"
    r"(?:[ \t]?(?P=sep)[ \t]?(?P<y>\d{4}))?(?![/.-]?\d)"
    r"|(?<![a-z])ngay\s*(?P<ld>\d{1,2})\s+thang\s+(?P<lm>\d{1,2})"
    r"(?:\s*,?\s+nam\s+(?P<ly>\d{4}))?(?!\d)"
)
_MARKER_RE = re.compile(
    r"(?<![a-z])(?P<marker>truoc|cham\s+nhat(?:\s+la|\s+vao|\s+truoc)?|han\s+chot|"
    r"thoi\s+han(?:\s+hoan\s+thanh)?|hoan\s+thanh(?:\s+trong|\s+vao|\s+truoc)?|"
    r"xong(?:\s+truoc)?|khong\s+muon\s+hon|(?<!tinh\s)den(?:\s+het)?|trong)"
    r"\s*:?\s*(?:ngay\s*)?$"
)
_LIST_GAP_RE = re.compile(r"\s*(?:,|;|va|hoac)?\s*(?:ngay\s*)?")
_CONTEXT_TAIL_RE = re.compile(r"[\s,]*(?:ngay)?[\s,]*$")
_CLAUSE_BREAK_RE = re.compile(r"[,;:\n()]|\.\s")
_NOT_DEADLINE_RE = re.compile(
    r"(?<![a-z])(?:phien\s+hop|hoi\s+nghi|cuoc\s+hop|buoi\s+lam\s+viec|ky|hop|ban\s+hanh|"
    r"nghi\s+quyet|chi\s+thi|ket\s+luan|quyet\s+dinh|ke\s+hoach|thong\s+bao|cong\s+van|"
    r"quy\s+dinh|quy\s+che|huong\s+dan|chuong\s+trinh|nghi\s+dinh|thong\s+tu|luat|van\s+ban|"
    r"to\s+trinh|de\s+an|bao\s+cao|so)(?![a-z])"
    r"|\d\s*[-/]\s*[a-z]{1,5}\s*[/-]\s*[a-z]"
    r"|(?<![a-z])(?:tu|sau|tinh\s+den)$"
)
_EVERY_RE = re.compile(
    r"(?<![a-z])(?:dinh\s+ky\s+)?(?:hang|moi)\s+(?P<unit>tuan|thang|quy|nua\s+nam|nam)(?![a-z])"
    r"|(?<![a-z])dinh\s+ky\s+(?P<n>\d{1,2})\s+thang(?:\s+(?:mot|1)\s+lan)?"
    r"|(?<![\d/.-])(?P<n2>\d{1,2})\s+thang\s+(?:mot|1)\s+lan"
)
_MONTHLY_DAY_RE = re.compile(r"(?<![a-z])ngay\s+(?P<d>\d{1,2})\s+(?:cua\s+)?(?:hang|moi)\s+thang")
_UNIT_MONTHS = {"thang": 1, "quy": 3, "nua nam": 6, "nam": 12}
_YEAR_TAIL = r"(?:\s*(?:[/.-]|,?\s*nam)\s*(?P<y>\d{4})(?!\d))?"
_HALF_RE = re.compile(
    r"(?:(?<![\d/.-])(?P<n>\d{1,2})\s+thang|(?<![a-z])nua)\s+(?P<part>dau|cuoi)\s+nam"
    r"(?:\s+(?P<y>\d{4})(?!\d))?"
)
_SPAN_RE = re.compile(r"(?<![a-z])giai\s+doan\s+(?P<a>\d{4})\s*-\s*(?P<y>\d{4})(?!\d)")
_Q = r"(?:iv|iii|ii|i|[1-4])(?![a-z0-9])"
_QUARTER_RE = re.compile(
    rf"(?<![a-z])quy\s+(?P<first>{_Q})(?:\s*(?:,|va|-|den)\s*(?:quy\s+)?(?P<last>{_Q}))*"
    + _YEAR_TAIL
)
_M = r"(?:1[0-2]|0?[1-9])(?!\d)"
_MONTH_RE = re.compile(
    rf"(?<![a-z])thang\s+(?P<first>{_M})(?:\s*(?:,|va|-|den)\s*(?:thang\s+)?(?P<last>{_M}))*"
    + _YEAR_TAIL
)
_YEAR_RE = re.compile(
    r"(?:(?<![a-z])(?:trong|truoc|den|het|cuoi|ca|suot|hoan\s+thanh|xong)\s+|\A[\W_]*)"
    r"nam\s+(?P<y>\d{4})(?!\d)"
)
_RELATIVE_RE = re.compile(
    r"(?:(?<![a-z])(?P<lead>trong(?:\s+vong|\s+thoi\s+han|\s+thoi\s+gian)?|cham\s+nhat(?:\s+la)?"
    r"|sau|khong\s+qua|toi\s+da)\s+)?"
    r"(?<![\d/.-])(?P<n>\d{1,3})\s+(?P<unit>ngay|tuan|thang|nam)(?![a-z])(?P<work>\s+lam\s+viec)?"
    r"(?P<since>\s*,?\s*(?:ke|tinh)\s+tu(?:\s+ngay)?)?"
)
_EVENT_RE = re.compile(r"\s*(?P<event>ky|ban\s+hanh|nhan\s+duoc|co\s+hieu\s+luc)(?![a-z])")
_CONTINUOUS_RE = re.compile(
    r"(?<![a-z])(?:(?P<continuous>thuong\s+xuyen)|(?P<term>(?:suot|ca|het)\s+nhiem\s+ky)"
    r"|(?P<ongoing>lien\s+tuc)|(?P<long_term>lau\s+dai)|(?P<daily>hang\s+ngay))(?![a-z])"
)


def add_working_days(start: date, days: int, holidays: frozenset[date]) -> date:
    """The day `days` working days after `start` (before it when negative), skipping Saturdays,
    Sundays and `holidays`; `start` itself is not counted."""
    step = timedelta(days=1 if days >= 0 else -1)
    day, left = start, abs(days)
    while left:
        day += step
        if day.weekday() < 5 and day not in holidays:
            left -= 1
    return day


def parse_deadline(
    text: str, reference_date: date, *, holidays: frozenset[date] = frozenset()
) -> Deadline:
    """The deadline a task text sets, counted from `reference_date` (the source's signing date)."""
    ref = reference_date
    text = _FUND_RE.sub(lambda m: m.group()[:2] + "x", unicodedata.normalize("NFC", text))
    s = fold(text).translate(_DASHES)
    written = _read_dates(s, ref)
    for w in written:
        s = _blank(s, w.start, w.end)
    marked = [w for w in written if w.marker and w.on]

    recurring: list[Deadline] = []
    s = _scan(s, _MONTHLY_DAY_RE, lambda m: _monthly_on(ref, int(m["d"])), recurring)
    s = _scan(s, _EVERY_RE, lambda m: _recurring(m, ref, marked), recurring)
    if recurring:
        return min(recurring, key=lambda d: d.due_on or date.max)

    periods: list[tuple[Deadline, date]] = []  # a period and its first day
    for regex in (_HALF_RE, _SPAN_RE, _QUARTER_RE, _MONTH_RE, _YEAR_RE):
        s = _scan(s, regex, lambda m: _period(m, ref), periods)
    relatives: list[Deadline] = []
    starts = {w.start: w.on for w in written if w.on}
    s = _scan(s, _RELATIVE_RE, lambda m: _relative(m, s, ref, starts, holidays), relatives)

    dated = [_dated(w) for w in marked]
    # A period that holds a marked date ("trong quý III/2025, trước ngày 15/9/2025") yields to it.
    kept = [p for p, first in periods if not any(_holds(first, p, w.on) for w in marked)]
    explicit = dated + kept + relatives
    if explicit:  # the latest wins; on a tie, a date before a period before a span of days
        return max(explicit, key=lambda d: d.due_on or date.min)
    found = _CONTINUOUS_RE.search(s)
    if found and found.lastgroup:
        return Deadline(CONTINUOUS, None, LABELS[found.lastgroup])
    bare = [w for w in written if not w.marker and w.year and w.on and w.on > ref]
    bare = [w for w in bare if not _NOT_DEADLINE_RE.search(_context_before(s, w.start))]
    if bare:
        return max((_dated(w) for w in bare), key=lambda d: d.due_on or date.min)
    return Deadline(NONE, None, LABELS["none"])


def _read_dates(s: str, ref: date) -> list[_Written]:
    found: list[_Written] = []
    for match in _DATE_RE.finditer(s):
        long = match["ld"] is not None
        day = int(match["ld"] if long else match["d"])
        month = int(match["lm"] if long else match["m"])
        raw_year = match["ly"] if long else match["y"]
        year = int(raw_year) if raw_year else None
        start = match.start("ld" if long else "d")
        marker = _marker_before(s, start, found[-1] if found else None)
        if year is None and marker is None:
            continue  # "khoản 1.2", "tỷ lệ 3/4": a day and month only count after a marker
        on = _safe_date(year if year is not None else ref.year, month, day)
        found.append(_Written(start, match.end(), day, month, year, on, marker))
    return found


def _marker_before(s: str, start: int, previous: _Written | None) -> str | None:
    found = _MARKER_RE.search(s, max(0, start - 40), start)
    if found:
        return " ".join(found["marker"].split())
    if previous is not None and previous.marker is not None:
        if _LIST_GAP_RE.fullmatch(s, previous.end, start):
            return previous.marker
    return None


def _context_before(s: str, start: int) -> str:
    """The clause before a date, without the "ngày" and comma that introduce it."""
    window = s[max(0, start - 120) : start]
    head = _CONTEXT_TAIL_RE.sub("", window, count=1)
    breaks = [m.end() for m in _CLAUSE_BREAK_RE.finditer(head)]
    return head[breaks[-1] if breaks else 0 :].strip()


def _scan(
    s: str,
    regex: re.Pattern[str],
    read: Callable[[re.Match[str]], _T | None],
    into: list[_T],
) -> str:
    """Collect what `read` makes of each match and blank the matches out of `s`."""
    for match in list(regex.finditer(s)):
        deadline = read(match)
        if deadline is not None:
            into.append(deadline)
            s = _blank(s, match.start(), match.end())
    return s


def _blank(s: str, start: int, end: int) -> str:
    return s[:start] + " " * (end - start) + s[end:]


def _safe_date(year: int, month: int, day: int) -> date | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _fmt(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _month_end(year: int, month: int) -> date:
    return date(year, month, _cal.monthrange(year, month)[1])


def _holds(first: date, period: Deadline, day: date | None) -> bool:
    return day is not None and period.due_on is not None and first <= day <= period.due_on


def _dated(w: _Written) -> Deadline:
    assert w.on is not None
    if w.marker is None:
        key = "on"
    elif w.marker.endswith("truoc"):
        key = "before"
    else:
        key = "until" if w.marker.startswith("den") else "no_later"
    return Deadline(DATE, w.on, LABELS[key].format(date=_fmt(w.on)))


def _period(m: re.Match[str], ref: date) -> tuple[Deadline, date] | None:
    year = int(m["y"]) if m["y"] else ref.year
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    if m.re is _HALF_RE:
        n = int(m["n"]) if m["n"] else 6
        if not 1 <= n <= 12:
            return None
        if m["part"] == "dau":
            label = LABELS["first_months"].format(n=n, year=year)
            return Deadline(PERIOD, _month_end(year, n), label), date(year, 1, 1)
        label = LABELS["last_months"].format(n=n, year=year)
        return Deadline(PERIOD, date(year, 12, 31), label), date(year, 13 - n, 1)
    if m.re is _SPAN_RE:
        label = LABELS["span"].format(first=m["a"], year=year)
        return Deadline(PERIOD, date(year, 12, 31), label), date(min(int(m["a"]), year), 1, 1)
    if m.re is _QUARTER_RE:
        first, last = _ROMAN[m["first"]], _ROMAN[m["last"] or m["first"]]
        label = LABELS["quarter"].format(quarter=_ROMAN_LABEL[last], year=year)
        return Deadline(PERIOD, _month_end(year, last * 3), label), date(year, first * 3 - 2, 1)
    if m.re is _MONTH_RE:
        first, last = int(m["first"]), int(m["last"] or m["first"])
        label = LABELS["month"].format(month=last, year=year)
        return Deadline(PERIOD, _month_end(year, last), label), date(year, min(first, last), 1)
    return Deadline(PERIOD, date(year, 12, 31), LABELS["year"].format(year=year)), date(year, 1, 1)


def _relative(
    m: re.Match[str], s: str, ref: date, starts: dict[int, date], holidays: frozenset[date]
) -> Deadline | None:
    if not (m["lead"] or m["work"] or m["since"]):
        return None  # "5 năm", "30 ngày" with nothing saying it is a time limit
    n, unit = int(m["n"]), m["unit"]
    base, event = ref, None
    if m["since"]:
        after = [at for at in starts if at >= m.end() and not s[m.end() : at].strip()]
        cited = starts[min(after)] if after else None
        if cited is not None:
            base, event = cited, "ngày " + _fmt(cited)
        elif found := _EVENT_RE.match(s, m.end()):
            event = _EVENTS[" ".join(found["event"].split())]
    if unit == "ngay" and m["work"]:
        due, span = add_working_days(base, n, holidays), LABELS["ngay_lv"].format(n=n)
    else:
        span = LABELS[unit].format(n=n)
        if unit == "ngay":
            due = base + timedelta(days=n)
        elif unit == "tuan":
            due = base + timedelta(weeks=n)
        elif unit == "thang":
            due = months_before(base, -n)
        else:
            due = anniversary(base, n)
    label = LABELS["since"].format(span=span, event=event) if event else None
    return Deadline(RELATIVE, due, label or LABELS["within"].format(span=span))


def _recurring(m: re.Match[str], ref: date, marked: list[_Written]) -> Deadline | None:
    if m["unit"] == "tuan":
        day = ref + timedelta(days=1)
        return Deadline(RECURRING, day + timedelta(days=6 - day.weekday()), LABELS["weekly"])
    months = _UNIT_MONTHS[m["unit"]] if m["unit"] else int(m["n"] or m["n2"])
    if months not in (1, 2, 3, 4, 6, 12):
        return None
    every = LABELS.get(f"every_{months}") or LABELS["every_n"].format(n=months)
    if marked:
        days = ", ".join(f"{w.day:02d}/{w.month:02d}" for w in marked)
        due = min(_next_on(ref, w) for w in marked)
        return Deadline(RECURRING, due, LABELS["every_on"].format(every=every, days=days))
    day = ref + timedelta(days=1)
    end_month = ((day.month - 1) // months + 1) * months
    return Deadline(RECURRING, _month_end(day.year, end_month), every)


def _next_on(ref: date, w: _Written) -> date:
    """The first day with the written day and month strictly after `ref` (or the written date
    itself when it has a year and is after `ref`); 29/02 falls on 28/02 in common years."""
    if w.year is not None and w.on is not None and w.on > ref:
        return w.on
    leap = _safe_date(2000, w.month, w.day) or date(2000, w.month, 1)
    this = anniversary(leap, ref.year - 2000)
    return this if this > ref else anniversary(leap, ref.year + 1 - 2000)


def _monthly_on(ref: date, day: int) -> Deadline | None:
    if not 1 <= day <= 31:
        return None
    for ahead in (0, 1):
        first = months_before(ref.replace(day=1), -ahead)
        due = first.replace(day=min(day, _cal.monthrange(first.year, first.month)[1]))
        if due > ref:
            break
    label = LABELS["every_on"].format(every=LABELS["every_1"], days=f"{day:02d}")
    return Deadline(RECURRING, due, label)
