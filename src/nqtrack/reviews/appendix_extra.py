"""Appendix tables from the study (dissemination) and oversight apps."""

from __future__ import annotations

import datetime

from nqtrack.organizations.models import User
from nqtrack.reviews.appendix import Table
from nqtrack.reviews.models import Review


def study_tables(review: Review, user: User, as_of: datetime.date) -> list[Table]:
    return []


def oversight_tables(review: Review, user: User, as_of: datetime.date) -> list[Table]:
    return []
