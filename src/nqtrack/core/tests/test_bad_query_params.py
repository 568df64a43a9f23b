"""Bad input never breaks a page or an endpoint: a generated sweep over the URL configuration.

Every GET page and API endpoint is requested, as the demo province's office, with each of its
query parameters set to a battery of bad values (and with bad path parameters). The parameters
of a URL are read from its code: the FilterSet or form it validates `request.GET` with, the names
it reads from `request.GET` / `query_params`, and the common ones (`q`, `page`, `page_size`,
`ordering`). A status of 500 or an exception fails the test, listing every case at once.
"""

from __future__ import annotations

import inspect
import logging
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from nqtrack.assignments.models import Evidence, ExtensionRequest, Task
from nqtrack.demo.loader import demo_load
from nqtrack.dissemination.models import (
    Essay,
    EssayQuestion,
    ImportJob,
    Member,
    OutreachActivity,
    Speaker,
    StudyPlan,
    StudySession,
)
from nqtrack.documents.models import Attachment, Document, Relation
from nqtrack.organizations.models import User
from nqtrack.oversight.models import OversightRound, RemediationItem
from nqtrack.reporting.models import ReportingRound, ReviewTeam
from nqtrack.reviews.models import Review

BAD_VALUES: list[Any] = [
    "abc",
    "-1",
    "0",
    "99999999999999999999",
    "1e309",
    "2025-02-31",
    "31/02/2025",
    "'",
    "\x00",
    "<script>alert(1)</script>",
    "x" * 3000,
    "",
    ["1", "2"],  # a repeated parameter
]
# Values that only make sense for some names, on top of the battery.
EXTRA_VALUES: dict[str, list[str]] = {
    "page": ["999999"],
    "page_size": ["100000"],
    "ordering": ["nonexistent", "-password"],
    "sort": ["nonexistent"],
    "export": ["xlsx", "docx", "pdf"],
}
COMMON_PARAMS = ["q", "page", "page_size", "ordering"]
# Bad values of path parameters: a converter `int` only lets digits through.
BAD_PATH_VALUES = {
    "int": ["0", "99999999999999999999"],
    "str": ["abc", "'", "99999999999999999999"],
}
# Logout and language take POST only; the schema and docs are checked by test_api_fuzz; /healthz
# answers 503 by design when the test installation lacks what production has.
SKIPPED = {"dang-xuat/", "ngon-ngu/", "api/v1/schema/", "api/v1/docs/", "healthz"}

# The model whose id a `pk` stands for, by the longest route prefix.
PK_MODELS: dict[str, Any] = {
    "van-ban/": Document,
    "hoc-tap/ke-hoach/": StudyPlan,
    "hoc-tap/bao-cao-vien/": Speaker,
    "hoc-tap/hoi-nghi/": StudySession,
    "hoc-tap/nhap/": ImportJob,
    "hoc-tap/tuyen-truyen/": OutreachActivity,
    "nhiem-vu/": Task,
    "nhiem-vu/chuong-trinh/": Document,
    "nhiem-vu/chi-tieu/": Document,
    "nhiem-vu/trich-xuat/": Document,
    "bao-cao/": ReportingRound,
    "to-ra-soat/": ReviewTeam,
    "so-ket-tong-ket/": Review,
    "giam-sat/": OversightRound,
    "api/v1/^documents/": Document,
    "api/v1/^tasks/": Task,
    "api/v1/^reporting-rounds/": ReportingRound,
    "api/v1/^reviews/": Review,
    "api/v1/^speakers/": Speaker,
    "api/v1/^study-plans/": StudyPlan,
    "api/v1/^study-sessions/": StudySession,
    "api/v1/^essays/": Essay,
    "api/v1/^essay-questions/": EssayQuestion,
    "api/v1/^outreach-activities/": OutreachActivity,
    "api/v1/^import-jobs/": ImportJob,
    "api/v1/^oversight-rounds/": OversightRound,
}
ID_MODELS: dict[str, Any] = {
    "relation_id": Relation,
    "attachment_id": Attachment,
    "evidence_id": Evidence,
    "extension_id": ExtensionRequest,
    "item_id": RemediationItem,
}
PARAM_RE = re.compile(r"""(?:GET|query_params)(?:\.get\(|\[)\s*["']([\w-]+)["']""")
FORM_RE = re.compile(
    r"""\b([A-Z]\w+)\(\s*(?:request\.POST or )?(?:request\.GET|(?:self\.)?request\.query_params)"""
)
ROUTE_PARAM_RE = re.compile(r"<(?:(\w+):)?(\w+)>|\(\?P<(\w+)>[^)]*\)")
PAGINATE_RE = re.compile(r"""paginate\(request, \w+, ["']([\w-]+)["']\)""")
FIELDS_RE = re.compile(r"""self\.fields\[["']([\w-]+)["']\]\s*=""")


@dataclass
class Endpoint:
    route: str
    callback: Callable[..., Any]
    params: set[str] = field(default_factory=set)


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, Callable[..., Any]]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.callback


def _source(obj: Any) -> str:
    try:
        return inspect.getsource(inspect.unwrap(obj))
    except (OSError, TypeError):
        return ""


def _names_in(source: str, namespace: dict[str, Any]) -> set[str]:
    names = set(PARAM_RE.findall(source)) | set(PAGINATE_RE.findall(source))
    for class_name in FORM_RE.findall(source):
        cls = namespace.get(class_name)
        names |= set(getattr(cls, "base_filters", {})) | set(getattr(cls, "base_fields", {}))
        if isinstance(cls, type):
            names |= set(FIELDS_RE.findall(_source(cls)))
    return names


def _helpers_source(callback: Any) -> str:
    """The source of the module-level functions a view calls (`_filtered(request, …)`)."""
    module = inspect.getmodule(inspect.unwrap(callback))
    source = _source(callback)
    extra = []
    for name in re.findall(r"\b(_\w+)\(request", source):
        helper = getattr(module, name, None)
        if helper is not None:
            extra.append(_source(helper))
    return "\n".join(extra)


def endpoints() -> list[Endpoint]:
    found = []
    for route, callback in _walk(get_resolver().url_patterns):
        if route.startswith("quan-tri/") or route in SKIPPED or "(?P<format>" in route:
            continue
        if "<drf_format_suffix" in route or route == "api/v1/":
            continue
        cls = getattr(callback, "cls", None)
        actions = getattr(callback, "actions", None)
        # Lists take the common parameters; a detail or form page takes its own only.
        is_list = "<" not in route and "(?P<" not in route
        params = set(COMMON_PARAMS) if is_list else set()
        if cls is not None:
            if actions is not None and "get" not in actions:
                continue
            if actions is None or actions.get("get") == "list":
                filterset = getattr(cls, "filterset_class", None)
                params |= set(getattr(filterset, "base_filters", {}))
            params |= _names_in(_source(cls), vars(inspect.getmodule(cls)))
        else:
            unwrapped = inspect.unwrap(callback)
            namespace = getattr(unwrapped, "__globals__", {})
            params |= _names_in(_source(callback) + _helpers_source(callback), namespace)
        # Every URL is tried at least with a parameter nobody reads.
        params = params or {"unknown"}
        found.append(Endpoint(route, callback, params))
    return found


def _pk_model(route: str) -> Any:
    best = max((p for p in PK_MODELS if route.startswith(p)), key=len, default=None)
    return PK_MODELS[best] if best else None


def _real_value(route: str, name: str, office: User) -> str:
    if name in ("pk",):
        model = _pk_model(route)
        obj = model.objects.order_by("id").first() if model else None
        return str(obj.pk) if obj else "1"
    if name in ID_MODELS:
        obj = ID_MODELS[name].objects.order_by("id").first()
        return str(obj.pk) if obj else "1"
    if name == "code":
        if "dang-vien" in route or "members" in route:
            member = Member.objects.order_by("id").first()
            return member.code if member else "X"
        return office.organization.code  # type: ignore[union-attr]
    if name in ("organization_code",):
        return office.organization.code  # type: ignore[union-attr]
    if name == "username":
        return office.username
    if name == "token":
        return office.calendar_token or "x"
    if name == "level":
        return "province"
    if name == "event":
        return "complete"
    if name == "key":
        return "tasks"
    if name == "name":
        return "approve"
    return "1"


def _fill(route: str, values: dict[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        return values[match.group(2) or match.group(3)]

    path = ROUTE_PARAM_RE.sub(one, route)
    return "/" + path.replace("^", "").replace("$", "").replace("\\.", ".")


def _route_params(route: str) -> list[tuple[str, str]]:
    """(name, converter) of each path parameter; a DRF regex group counts as `str`."""
    out = []
    for converter, name, regex_name in ROUTE_PARAM_RE.findall(route):
        if regex_name:
            out.append((regex_name, "str"))
        else:
            out.append((name, "int" if converter == "int" else "str"))
    return out


def _request(client: Client, path: str, query: dict[str, Any]) -> str | None:
    """A description of the failure, or None when the answer is below 500."""
    try:
        response = client.get(path, query)
    except Exception as exc:  # noqa: BLE001 - every exception is the finding
        return f"{type(exc).__name__}: {str(exc)[:200]}"
    if response.status_code >= 500:
        return f"status {response.status_code}"
    return None


@pytest.fixture
def demo(db: None) -> User:
    started = time.monotonic()
    demo_load()
    print(f"demo loaded in {time.monotonic() - started:.1f} s")
    return User.objects.get(username="vanphong")


def test_no_page_or_endpoint_answers_500_to_bad_query_or_path_parameters(
    demo: User, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    client.force_login(demo)
    # 404s and 403s by the thousand are expected; a 500 is still reported below.
    monkeypatch.setattr(logging.getLogger("django.request"), "level", logging.CRITICAL)
    failures: list[str] = []
    tried = 0
    found = endpoints()
    for endpoint in found:
        route_params = _route_params(endpoint.route)
        real = {name: _real_value(endpoint.route, name, demo) for name, _ in route_params}
        path = _fill(endpoint.route, real)
        for name in sorted(endpoint.params):
            values = ["abc"] if name == "unknown" else BAD_VALUES + EXTRA_VALUES.get(name, [])
            for value in values:
                tried += 1
                failure = _request(client, path, {name: value})
                if failure:
                    failures.append(f"GET {path}?{name}={str(value)[:40]!r}: {failure}")
        for name, converter in route_params:
            for bad in BAD_PATH_VALUES[converter]:
                tried += 1
                bad_path = _fill(endpoint.route, {**real, name: bad})
                failure = _request(client, bad_path, {})
                if failure:
                    failures.append(f"GET {bad_path}: {failure}")
    print(f"{len(found)} URLs, {tried} requests")
    assert len(found) > 100  # the walk found the whole site
    assert not failures, f"{len(failures)} of {tried} requests failed:\n" + "\n".join(failures)


# Files that are not what their name says, or are broken inside.
BAD_FILES = {
    "not-a-pdf.pdf": b"just some text, not a PDF",
    "broken.pdf": b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\ngarbage\x00\xff%%EOF",
    "truncated.pdf": b"%PDF-1.4\n",
    "broken.docx": b"PK\x03\x04" + b"\x00" * 40 + b"not a zip archive",
    "empty.docx": b"",
    "notes.txt": b"plain text",
    "image.docx": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_prefill_from_a_bad_file_shows_a_vietnamese_error_and_keeps_nothing(tree, client, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(tree.province_office)
    upload = SimpleUploadedFile(name, BAD_FILES[name], content_type="application/octet-stream")
    response = client.post(
        "/van-ban/dang-ky/",
        {"action": "prefill", "file": upload},
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 200
    errors = [m.message for m in response.context["messages"] if m.level_tag == "error"]
    assert errors, "the page says why the file was not read"
    assert any("tệp" in e.lower() for e in errors), errors  # in Vietnamese
    assert errors[0] in response.content.decode()
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("day", ["31/02/2025", "2025-02-31", "abc", "99999999999999999999"])
def test_an_impossible_statistics_day_is_a_400_page_saying_so_in_vietnamese(tree, client, day):
    client.force_login(tree.province_office)
    response = client.get("/thong-ke/", {"ngay": day}, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Hãy nhập một ngày có thật, dạng dd/mm/yyyy." in page
    assert 'href="/thong-ke/"' in page  # the way back to the page without filters


def test_a_repeated_or_out_of_range_filter_of_a_page_is_a_400(tree, client):
    client.force_login(tree.province_office)
    assert client.get("/thong-ke/?ngay=01/01/2025&ngay=02/01/2025").status_code == 400
    assert client.get("/so-ket-tong-ket/", {"year": "0"}).status_code == 400
    assert client.get("/van-ban/", {"year": "99999999999999999999"}).status_code == 400
    assert client.get("/so-ket-tong-ket/", {"year": "2025", "kind": "final"}).status_code == 200


def test_a_bad_api_filter_is_a_400_naming_the_parameter_in_vietnamese(tree, client):
    client.force_login(tree.province_office)
    response = client.get("/api/v1/tasks/", {"due_from": "31/02/2025"}, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400
    assert list(response.json()) == ["due_from"]
    response = client.get("/api/v1/documents/", {"q": "nghị\x00quyết"})
    assert response.status_code == 400
    assert response.json() == {"q": ["Không được dùng ký tự rỗng (NUL)."]}


def test_an_api_address_no_route_matches_answers_404_in_json(tree, client):
    client.force_login(tree.province_office)
    response = client.get("/api/v1/documents/1.5/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy."}


def test_an_api_list_sorts_only_by_its_whitelisted_fields(tree, client):
    client.force_login(tree.province_office)
    assert client.get("/api/v1/tasks/", {"ordering": "-due_on"}).status_code == 200
    response = client.get("/api/v1/tasks/", {"ordering": "assigned_by__password"})
    assert response.status_code == 400
    assert "due_on" in response.json()["ordering"][0]
    assert client.get("/api/v1/tasks/", {"page_size": "0"}).status_code == 400
    assert client.get("/api/v1/organizations/", {"active": "maybe"}).status_code == 400
