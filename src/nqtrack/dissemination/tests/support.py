"""Factories and a small study world over the shared test tree."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

import factory
import openpyxl

from nqtrack.dissemination.models import Member, Sex
from nqtrack.documents.models import Document
from nqtrack.organizations.models import Organization, Role, User
from nqtrack.testing import Tree, UserFactory, make_org, register

D = dt.date


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    code = factory.Sequence(lambda n: f"DV{n:05d}")
    full_name = factory.Faker("name", locale="vi_VN")
    sex = Sex.MALE
    birth_date = D(1985, 5, 1)


@dataclass
class World:
    tree: Tree
    resolution: Document
    cb2: Organization  # a second cell of the commune
    cell_reporter: User  # a reporter of cell A-CB1
    members: dict[str, Member]  # by code


def build_world(tree: Tree) -> World:
    """Members: 3 in A-CB1, 2 in A-CB2, 1 registered directly at the commune A-XA, 2 in the
    province office A-VPTU, 1 in the other province B-TU."""
    resolution = register(tree.province_office, "05-NQ/TU", tree.tu, D(2025, 1, 10))
    cb2 = make_org("A-CB2", tree.xa, "cell", kind="cell", abbreviation="CB", name="Chi bộ thôn 2")
    reporter = UserFactory(username="cb1_bc", organization=tree.cb, role=Role.REPORTER)
    layout = {
        tree.cb: ["CB1-01", "CB1-02", "CB1-03"],
        cb2: ["CB2-01", "CB2-02"],
        tree.xa: ["XA-01"],
        tree.vptu: ["VP-01", "VP-02"],
        tree.tu2: ["B-01"],
    }
    members = {}
    for org, codes in layout.items():
        for code in codes:
            members[code] = MemberFactory(code=code, organization=org)
    return World(tree=tree, resolution=resolution, cb2=cb2, cell_reporter=reporter, members=members)


def xlsx_bytes(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(
    headers: Sequence[str], rows: Sequence[Sequence[object]], delimiter: str = ","
) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return text.getvalue().encode("utf-8")
