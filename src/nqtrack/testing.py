"""Test fixtures shared by every app: a small tree with users inside and outside it.

TW (central)
├── TU  Tỉnh ủy A (province)          ← province_office, province_admin, province_viewer
│   ├── VPTU Văn phòng Tỉnh ủy A
│   └── XA  Đảng ủy xã A (commune)    ← commune_office
│       └── CB  Chi bộ thôn 1 (cell)
└── TU2 Tỉnh ủy B (province)          ← outsider
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import factory
import pytest

from nqtrack.documents import services as document_services
from nqtrack.documents.models import Document, Field
from nqtrack.organizations import services as org_services
from nqtrack.organizations.models import Level, Organization, Role, SecurityLevel, User

PASSWORD = "mat-khau-thu-nghiem-42"


def make_org(
    code: str,
    parent: Organization | None,
    level: str,
    *,
    kind: str = "committee",
    abbreviation: str = "",
    name: str = "",
) -> Organization:
    return org_services.organization_create(
        by=None,
        code=code,
        name=name or f"Tổ chức {code}",
        kind=kind,
        level=Level.objects.get(slug=level),
        parent=parent,
        abbreviation=abbreviation or code,
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name", locale="vi_VN")
    role = Role.OFFICE
    clearance = SecurityLevel.NORMAL
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805
        if create:
            obj.save()


@dataclass
class Tree:
    tw: Organization
    tu: Organization
    vptu: Organization
    xa: Organization
    cb: Organization
    tu2: Organization
    province_office: User
    province_admin: User
    province_viewer: User
    commune_office: User
    outsider: User


def build_tree() -> Tree:
    tw = make_org("TW", None, "central", name="Ban Chấp hành Trung ương")
    tu = make_org("A-TU", tw, "province", abbreviation="TU", name="Tỉnh ủy A")
    vptu = make_org(
        "A-VPTU",
        tu,
        "province",
        kind="advisory_body",
        abbreviation="VPTU",
        name="Văn phòng Tỉnh ủy A",
    )
    xa = make_org("A-XA", tu, "commune", abbreviation="ĐU", name="Đảng ủy xã A")
    cb = make_org("A-CB1", xa, "cell", kind="cell", abbreviation="CB", name="Chi bộ thôn 1")
    tu2 = make_org("B-TU", tw, "province", abbreviation="TU", name="Tỉnh ủy B")
    for slug, name in [("xay-dung-dang", "Xây dựng Đảng"), ("kinh-te", "Kinh tế")]:
        Field.objects.get_or_create(slug=slug, defaults={"name": name})
    return Tree(
        tw=tw,
        tu=tu,
        vptu=vptu,
        xa=xa,
        cb=cb,
        tu2=tu2,
        province_office=UserFactory(
            username="tinh_vp", organization=tu, clearance=SecurityLevel.SECRET
        ),
        province_admin=UserFactory(
            username="tinh_qt", organization=tu, role=Role.ADMIN, clearance=SecurityLevel.TOP_SECRET
        ),
        province_viewer=UserFactory(username="tinh_ld", organization=tu, role=Role.VIEWER),
        commune_office=UserFactory(username="xa_vp", organization=xa),
        outsider=UserFactory(username="tinhkhac", organization=tu2),
    )


def register(
    by: User,
    symbol: str,
    issuer: Organization,
    signed_on: datetime.date,
    title: str = "về một chủ đề thử nghiệm",
    **kwargs: Any,
) -> Document:
    return document_services.document_register(
        by=by, symbol=symbol, issuer=issuer, signed_on=signed_on, title=title, **kwargs
    )


@pytest.fixture
def tree(db: None) -> Tree:
    return build_tree()


@pytest.fixture
def national_admin(tree: Tree) -> User:
    """An administrator at the top of the tree, who holds the national review rules."""
    return UserFactory(
        username="tw_qt", organization=tree.tw, role=Role.ADMIN, clearance=SecurityLevel.TOP_SECRET
    )
