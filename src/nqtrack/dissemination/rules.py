"""Pure rules of study and essays: grades, the rewrite loop, exemptions, reading table cells.

Plain functions on plain values (no database), so they are tested table by table.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from nqtrack.core.text import fold

SCORE_MIN = Decimal("0")
SCORE_MAX = Decimal("10")
# Digits with at most one decimal: "8", "8.5", "10.0" (no exponents, signs or spaces inside).
_SCORE_TEXT = re.compile(r"^\d{1,2}(\.\d)?$")


class Grade(models.TextChoices):
    GOOD = "tot", _("Good (Tốt)")
    FAIR = "kha", _("Fairly good (Khá)")
    AVERAGE = "trung_binh", _("Average (Trung bình)")
    WEAK = "yeu", _("Weak (Yếu)")


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Exemption(models.TextChoices):
    """Why a member is not obliged to write an essay. OVER_AGE is computed, never stored."""

    PARTY_ACTIVITIES = "party_activities", _("Exempted from party activities")
    ILL_HEALTH = "ill_health", _("Ill health")
    RETIRED = "retired", _("Retired")
    OVER_AGE = "over_age", _("Over the age threshold")
    RURAL_NO_POST = "rural_no_post", _("No leadership post in a rural cell")


STORED_EXEMPTIONS = (
    Exemption.PARTY_ACTIVITIES,
    Exemption.ILL_HEALTH,
    Exemption.RETIRED,
    Exemption.RURAL_NO_POST,
)


class AttendanceStatus(models.TextChoices):
    UNRECORDED = "", _("Not recorded")
    PRESENT = "present", _("Present")
    EXCUSED = "excused", _("Absent with leave")
    ABSENT = "absent", _("Absent")


@dataclass(frozen=True)
class GradeScale:
    """The lowest score of each grade above Yếu."""

    good: Decimal = Decimal("9")
    fair: Decimal = Decimal("7")
    average: Decimal = Decimal("5")


@dataclass(frozen=True)
class AgeThresholds:
    male: int = 60
    female: int = 60

    def for_sex(self, sex: str) -> int:
        return self.female if sex == Sex.FEMALE else self.male


def grade_for(score: Decimal, scale: GradeScale) -> str:
    """Tốt ≥ 9, Khá 7–<9, Trung bình 5–<7, Yếu < 5 (with the default scale)."""
    if score >= scale.good:
        return Grade.GOOD
    if score >= scale.fair:
        return Grade.FAIR
    if score >= scale.average:
        return Grade.AVERAGE
    return Grade.WEAK


def needs_rewrite(grade: str) -> bool:
    """A Yếu essay is written again until it reaches Trung bình."""
    return grade == Grade.WEAK


def parse_score(text: str | Decimal | float | int) -> Decimal:
    """A score as written in a table or form: "8", "8.5", "8,5". ValueError if it is not a
    number on the 10-point scale with at most one decimal."""
    if isinstance(text, Decimal) and text.is_finite() and text == text.quantize(Decimal("0.1")):
        text = text.quantize(Decimal("0.1"))
    if isinstance(text, float):
        text = repr(text)
    raw = str(text).strip().replace(",", ".")
    if not _SCORE_TEXT.match(raw):
        raise ValueError(raw)
    score = Decimal(raw)
    if score < SCORE_MIN or score > SCORE_MAX:
        raise ValueError(raw)
    return score.quantize(Decimal("0.1"))


def age_on(birth_date: datetime.date, on: datetime.date) -> int:
    """Completed years of age on a given day."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def latest_birth_date_over(threshold: int, on: datetime.date) -> datetime.date:
    """Members born on or before this day have reached `threshold` years of age on `on`.

    The same rule as `age_on(...) >= threshold`, as a date a query can compare with.
    """
    year = on.year - threshold
    try:
        return on.replace(year=year)
    except ValueError:  # 29 February in a year that has none
        return datetime.date(year, 2, 28)


def is_over_age(
    birth_date: datetime.date | None, sex: str, on: datetime.date, thresholds: AgeThresholds
) -> bool:
    """True from the day a member reaches the threshold age for their sex; unknown birth date
    means not over age (the member stays obliged until the register is completed)."""
    if birth_date is None:
        return False
    return age_on(birth_date, on) >= thresholds.for_sex(sex)


def exemptions_of(
    *,
    flags: Iterable[str],
    birth_date: datetime.date | None,
    sex: str,
    on: datetime.date,
    thresholds: AgeThresholds,
) -> list[str]:
    """Every reason a member is exempt from essays, in the order of `Exemption`."""
    stored = set(flags)
    over = is_over_age(birth_date, sex, on, thresholds)
    return [
        str(e)
        for e in Exemption
        if (e in stored and e != Exemption.OVER_AGE) or (e == Exemption.OVER_AGE and over)
    ]


# Cell texts of attendance tables, folded (no diacritics, lower case).
_ATTENDANCE_WORDS = {
    AttendanceStatus.PRESENT: ("co mat", "present", "co"),
    AttendanceStatus.EXCUSED: (
        "vang co ly do",
        "vang co phep",
        "co ly do",
        "excused",
        "absent with leave",
    ),
    AttendanceStatus.ABSENT: ("vang", "vang khong ly do", "vang khong phep", "absent"),
}
_ATTENDANCE_LOOKUP = {word: status for status, words in _ATTENDANCE_WORDS.items() for word in words}


def parse_attendance_status(text: str) -> str | None:
    """ "Có mặt", "co mat", "present" → present; "Vắng có lý do", "excused" → excused;
    "Vắng", "absent" → absent; anything else None."""
    key = " ".join(fold(text).replace("_", " ").split())
    status = _ATTENDANCE_LOOKUP.get(key)
    return str(status) if status is not None else None


_YES = {"x", "1", "co", "yes", "true", "c"}
_NO = {"", "0", "khong", "no", "false", "k"}


def parse_flag(text: str) -> bool | None:
    """A yes/no cell: "x", "có", "1", "yes" → True; empty, "không", "0", "no" → False."""
    key = fold(text).strip()
    if key in _YES:
        return True
    if key in _NO:
        return False
    return None


_SEX_LOOKUP = {
    "nam": Sex.MALE,
    "male": Sex.MALE,
    "m": Sex.MALE,
    "nu": Sex.FEMALE,
    "female": Sex.FEMALE,
    "f": Sex.FEMALE,
}


def parse_sex(text: str) -> str | None:
    """ "Nam"/"male" or "Nữ"/"female"; None for anything else."""
    sex = _SEX_LOOKUP.get(fold(text).strip())
    return str(sex) if sex is not None else None
