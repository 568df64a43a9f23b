"""Every write, on every page and endpoint, against the role × organization matrix.

The list of writes is generated from the URL configuration: every route of the web interface
takes a POST, and every API route its unsafe methods. Each route's path parameters are filled
with records of the demo province (Lào Cai) from the table below; a route missing from the
table fails the test, so a new endpoint cannot be forgotten. Then, for each write:

| who | relation to the record | expected |
|---|---|---|
| viewer (lanhdao) | own province | refused (403), whatever the route |
| office of another province (tinhkhac) | other province | 403, 404 or 405 |
| office of a commune (xa_vanphong) | the province above it | 403, 404 or 405, except the
  writes a unit below does on the province's records (reporting on a task it leads…) |
| administrator of a commune (xa_quantri) | the province above it | the same |

A page that refuses by sending the user back with a message (302) passes when nothing in the
database changed.

Status 400 or a form shown again with errors would mean the input was read before asking
who may write: that too fails.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from nqtrack.core.access import OPEN_PATHS, OPEN_TO_READERS
from nqtrack.organizations.models import User

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 22, 3, 0, tzinfo=dt.UTC)
UNSAFE = ("post", "put", "patch", "delete")
DENIED = {403, 404, 405}
# Writes that change nothing shared, open to every logged-in user.
OPEN = {
    *OPEN_TO_READERS,
    *(path.lstrip("/") for path in OPEN_PATHS),
    "api-root",
    "schema",
    "api-docs",
}


@dataclass(frozen=True)
class Write:
    name: str  # namespaced URL name, or "<api>/<route>" for unnamed API routes
    route: str
    params: tuple[str, ...]
    methods: tuple[str, ...]
    api: bool


def _walk(resolver: URLResolver, prefix: str = "", ns: str | None = None) -> Iterator[Any]:
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p, prefix + str(p.pattern), p.namespace or ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), ns, p


def writes() -> list[Write]:
    found = []
    for route, ns, pattern in _walk(get_resolver()):
        if route.startswith("quan-tri/") or "format" in route:
            continue
        name = f"{ns}:{pattern.name}" if ns and pattern.name else (pattern.name or route)
        params = tuple(m[1] or m[2] for m in re.finditer(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route))
        actions = getattr(pattern.callback, "actions", None)
        if actions is not None:
            methods = tuple(m for m in UNSAFE if m in actions)
        elif route.startswith("api/"):
            cls = getattr(pattern.callback, "cls", None)
            methods = tuple(m for m in UNSAFE if cls is not None and hasattr(cls, m))
        else:
            methods = ("post",)
        if methods:
            found.append(Write(name, route, params, methods, route.startswith("api/")))
    return found


def _first(model: type[Model], **filters: Any) -> Any:
    obj = model.objects.filter(**filters).order_by("pk").first()
    return obj


def _records() -> dict[str, Callable[[], Any]]:
    """How each path parameter is filled: a record the province (LC-TU) holds."""
    from nqtrack.assignments.models import Evidence, ExtensionRequest, Task
    from nqtrack.dissemination.models import (
        Essay,
        EssayQuestion,
        ImportJob,
        Member,
        OutreachActivity,
        Speaker,
        StudyMaterial,
        StudyPlan,
        StudySession,
    )
    from nqtrack.documents.models import Attachment, Document, Relation, ReviewRule
    from nqtrack.oversight.models import OversightRound, RemediationItem
    from nqtrack.reporting.models import ReportingRound, ReviewTeam
    from nqtrack.reviews.models import Review

    province = {"owner__code": "LC-TU"}

    def below(model: type[Model], field: str) -> Any:
        """A record held in the province, outside the acting commune's own subtree."""
        return (
            model.objects.filter(**{f"{field}__path__startswith": _path("LC-TU")})
            .exclude(**{f"{field}__path__startswith": _path("LC-X-BAOYEN")})
            .order_by("pk")
            .first()
        )

    def task() -> Any:
        return _first(Task, assigned_by__code="LC-TU", lead__code="LC-TU") or _first(
            Task, assigned_by__code="LC-TU"
        )

    def doc() -> Any:
        return _first(Document, **province)

    def rnd() -> Any:
        return _first(ReportingRound, **province)

    def oversight() -> Any:
        return below(OversightRound, "conductor")

    pk = lambda obj: None if obj is None else obj.pk  # noqa: E731
    return {
        "documents:pk": lambda: pk(doc()),
        "documents:relation_id": lambda: pk(_first(Relation, source__owner__code="LC-TU")),
        "documents:attachment_id": lambda: pk(_first(Attachment, document__owner__code="LC-TU")),
        "documents:token": lambda: "x" * 32,
        "documents:level": lambda: "central",
        "documents:local-rule-edit:pk": lambda: pk(_first(ReviewRule, owner__code="LC-TU")),
        "documents:local-rule-delete:pk": lambda: pk(_first(ReviewRule, owner__code="LC-TU")),
        "dissemination:code": lambda: getattr(
            _first(Member, organization__path__startswith=_path("LC-TU")), "code", None
        ),
        "dissemination:plan:pk": lambda: pk(_first(StudyPlan, **province)),
        "dissemination:material_id": lambda: pk(_first(StudyMaterial, plan__owner__code="LC-TU")),
        "dissemination:speaker:pk": lambda: pk(below(Speaker, "organization")),
        "dissemination:session:pk": lambda: pk(below(StudySession, "organizer")),
        "dissemination:attendance:pk": lambda: pk(below(StudySession, "organizer")),
        "dissemination:job:pk": lambda: pk(below(ImportJob, "organization")),
        "dissemination:outreach:pk": lambda: pk(below(OutreachActivity, "organization")),
        "organizations:code": lambda: "LC-TU",
        "organizations:username": lambda: "vanphong",
        "assignments:cascade:pk": lambda: pk(doc()),
        "assignments:cascade-remind:pk": lambda: pk(doc()),
        "assignments:targets:pk": lambda: pk(doc()),
        "assignments:extract:pk": lambda: pk(doc()),
        "assignments:pk": lambda: pk(task()),
        "assignments:evidence_id": lambda: pk(_first(Evidence, task__assigned_by__code="LC-TU")),
        "assignments:extension_id": lambda: pk(
            _first(ExtensionRequest, task__assigned_by__code="LC-TU")
        ),
        "assignments:event": lambda: "complete",
        "reporting:pk": lambda: pk(rnd()),
        "reporting:code": lambda: "LC-BTGDVTU",
        "teams:pk": lambda: pk(_first(ReviewTeam, **province)),
        "reviews:pk": lambda: pk(_first(Review, committee__code="LC-TU")),
        "reviews:key": lambda: "tasks",
        "reviews:name": lambda: "approve",
        "oversight:pk": lambda: pk(oversight()),
        "oversight:code": lambda: getattr(
            oversight().targets.order_by("pk").first() if oversight() else None, "code", None
        ),
        "oversight:item_id": lambda: pk(_first(RemediationItem, round=oversight())),
        "api:organization:code": lambda: "LC-TU",
        "api:document:pk": lambda: pk(doc()),
        "api:review-rule:level": lambda: "central",
        "api:task:pk": lambda: pk(task()),
        "api:task:extension_id": lambda: pk(
            _first(ExtensionRequest, task__assigned_by__code="LC-TU")
        ),
        "api:reporting-round:pk": lambda: pk(rnd()),
        "api:reporting-round:organization_code": lambda: "LC-BTGDVTU",
        "api:review:pk": lambda: pk(_first(Review, committee__code="LC-TU")),
        "api:member:code": lambda: getattr(
            _first(Member, organization__path__startswith=_path("LC-TU")), "code", None
        ),
        "api:speaker:pk": lambda: pk(below(Speaker, "organization")),
        "api:study-plan:pk": lambda: pk(_first(StudyPlan, **province)),
        "api:study-session:pk": lambda: pk(below(StudySession, "organizer")),
        "api:essay:pk": lambda: pk(_first(Essay, member__organization__code__startswith="LC")),
        "api:essay-question:pk": lambda: pk(_first(EssayQuestion)),
        "api:outreach-activity:pk": lambda: pk(below(OutreachActivity, "organization")),
        "api:oversight-round:pk": lambda: pk(oversight()),
        "api:oversight-round:item_id": lambda: pk(_first(RemediationItem, round=oversight())),
    }


def _records_the_demo_lacks() -> None:
    from nqtrack.documents.review_rules import review_rule_create
    from nqtrack.organizations.models import Level, Organization
    from nqtrack.reporting.services import round_create

    province = Organization.objects.get(code="LC-TU")
    round_create(
        by=User.objects.get(username="vanphong"),
        owner=province,
        title="Báo cáo kết quả quý IV năm 2026",
        period_start=dt.date(2026, 10, 1),
        period_end=dt.date(2026, 12, 31),
        due_on=dt.date(2026, 12, 20),
        expected=[Organization.objects.get(code="LC-BTGDVTU")],
    )
    review_rule_create(
        by=User.objects.get(username="quantri"),
        owner=province,
        level=Level.objects.get(slug="commune"),
    )


def _path(code: str) -> str:
    from nqtrack.organizations.models import Organization

    return Organization.objects.get(code=code).path


def _lookup_keys(write: Write, param: str) -> list[str]:
    if write.api:
        # "task-decide-extension": try the whole name, then shorter prefixes down to "task"
        parts = write.name.split("-")
        return [f"api:{'-'.join(parts[:n])}:{param}" for n in range(len(parts), 0, -1)]
    ns, _, name = write.name.partition(":")
    stem = name.split("-")[0]
    return [f"{ns}:{name}:{param}", f"{ns}:{stem}:{param}", f"{ns}:{param}"]


def _fill(write: Write, table: dict[str, Callable[[], Any]]) -> str | None:
    route = write.route.replace("^", "").replace("$", "")
    for param in write.params:
        key = next((k for k in _lookup_keys(write, param) if k in table), None)
        if key is None:
            pytest.fail(
                f"{write.name} ({write.route}): no record for <{param}> in the access matrix; "
                "add the route to _records() with the record it writes to"
            )
        value = table[key]()
        if value is None:
            return None  # the demo has no such record
        route = re.sub(rf"<(?:\w+:)?{param}>|\(\?P<{param}>[^)]*\)", str(value), route, count=1)
    return "/" + route


# Writes a unit below does on the province's records, with the province's own objects.
BELOW_MAY = {
    "reviews:survey",  # a unit in the review's scope answers the survey
    "review-responses",
}


def _fingerprint() -> tuple[int, ...]:
    """Row counts of every table, and the audited changes: a refused write changes none."""
    from django.apps import apps

    from nqtrack.core.models import AuditEvent

    skip = {"session", "auditevent", "accesslog", "accessattempt", "accessfailurelog"}
    counts = [m.objects.count() for m in apps.get_models() if m._meta.model_name not in skip]
    return (*counts, AuditEvent.objects.exclude(action="refused").count())


ACTORS = ("lanhdao", "tinhkhac", "xa_vanphong", "xa_quantri")


def test_every_write_is_refused_to_those_who_do_not_own_the_record():
    from nqtrack.demo.loader import demo_load

    with time_machine.travel(NOW, tick=False):
        demo_load()
        _records_the_demo_lacks()
        table = _records()
        found = writes()
        assert len(found) > 100
        users = {u.username: u for u in User.objects.filter(username__in=ACTORS)}
        failures: list[str] = []
        tried = skipped = 0
        for write in found:
            if write.name in OPEN:
                continue
            url = _fill(write, table)
            if url is None:
                skipped += 1
                print("no demo record:", write.name, write.route)
                continue
            for username in ACTORS:
                user = users[username]
                if write.params == () and username != "lanhdao":
                    continue  # a create: scoping is in the service, tested with each app
                if username.startswith("xa_") and write.name in BELOW_MAY:
                    continue
                client: Any = APIClient() if write.api else Client()
                client.force_login(user)
                for method in write.methods:
                    before = _fingerprint() if not write.api else ()
                    status = getattr(client, method)(url, {}).status_code
                    tried += 1
                    expected = {403} if username == "lanhdao" else DENIED
                    if status == 302 and not write.api and _fingerprint() == before:
                        continue  # refused with a message, nothing written
                    if status not in expected:
                        failures.append(f"{username} {method.upper()} {url} → {status}")
        print(f"access matrix: {tried} writes tried, {skipped} routes without a demo record")
        assert failures == [], "\n".join(failures)
