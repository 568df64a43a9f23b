"""Secrecy on every channel: one document at each security level, with tasks, study, oversight
and a review; every page, export, API endpoint, notification, e-mail and feed is read by users
below and above its clearance and in another subtree. Any symbol, title or task text of a
document a reader may not know fails the test; so does a classified one in text that leaves
the system (e-mail, the iCalendar feed), whoever receives it."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

import pytest
import time_machine
from django.apps import apps
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from nqtrack.assignments import services as task_services
from nqtrack.dissemination import services as study_services
from nqtrack.notifications.models import Notification
from nqtrack.notifications.services import send_reminders
from nqtrack.organizations.models import Role, SecurityLevel, User
from nqtrack.organizations.services import user_calendar_token
from nqtrack.oversight import services as oversight_services
from nqtrack.reviews import services as review_services
from nqtrack.testing import UserFactory, register

D = dt.date
pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)  # 09:00 in Hà Nội
LEVELS = list(SecurityLevel.values)  # normal, confidential, secret, top_secret
MAX_PAGES = 260
SKIP = ("/dang-xuat/", "/ngon-ngu/", "/quan-tri/", "/static/", "/media/", "/api/v1/docs/")


@dataclass(frozen=True)
class Marks:
    level: str
    symbol: str
    title_word: str
    task_word: str

    def found_in(self, text: str) -> list[str]:
        needles = [self.symbol, quote(self.symbol, safe=""), self.title_word, self.task_word]
        return [n for n in needles if n in text]


MARKS = [
    Marks(level, f"77{i}-NQ/TU", f"Quokka{i}x", f"Wombat{i}x") for i, level in enumerate(LEVELS)
]


def _text_of(response) -> str:
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    if body[:2] == b"PK":  # XLSX, DOCX: read the XML inside
        try:
            with zipfile.ZipFile(io.BytesIO(body)) as z:
                return " ".join(
                    z.read(n).decode("utf-8", "replace")
                    for n in z.namelist()
                    if n.endswith(".xml") or n.endswith(".rels")
                )
        except zipfile.BadZipFile:
            pass
    return body.decode("utf-8", "replace")


def _links(html: str) -> list[str]:
    return re.findall(r'(?:href|src|action)="([^"#]+)', html)


@pytest.fixture
def world(tree):
    with time_machine.travel(NOW, tick=False):
        creator = UserFactory(
            username="mat_qt",
            organization=tree.tu,
            role=Role.ADMIN,
            clearance=SecurityLevel.TOP_SECRET,
            email="mat_qt@example.org",
        )
        docs = {}
        for m in MARKS:
            doc = register(
                creator,
                m.symbol,
                tree.tu,
                D(2024, 2, 15),
                title=f"về chủ đề {m.title_word} trong công tác xây dựng Đảng",
                full_text=f"Nội dung {m.title_word} của văn bản.",
                security_level=m.level,
            )
            docs[m.level] = doc
            for lead in (tree.xa, tree.vptu):
                task_services.task_create(
                    by=creator,
                    source_document=doc,
                    text=f"{m.task_word}: xây dựng kế hoạch thực hiện",
                    lead=lead,
                    due_on=D(2026, 12, 5),
                )
            study_services.study_plan_create(
                by=creator, document=doc, owner=tree.tu, kind="in_depth", due_on=D(2026, 12, 20)
            )
            oversight_services.round_create(
                by=creator,
                kind="supervision",
                title="Giám sát chuyên đề năm 2026",
                conductor=tree.tu,
                period_start=D(2024, 2, 15),
                period_end=D(2026, 11, 30),
                documents=[doc],
                targets=[tree.xa],
            )
            review_services.review_create(
                by=creator, milestone=doc.milestones.order_by("due_on").first(), committee=tree.tu
            )
        readers = {
            "creator": creator,
            "province_office": tree.province_office,  # Tối mật
            "province_viewer": tree.province_viewer,  # thường
            "commune_office": tree.commune_office,  # thường, lead of the tasks
            "commune_reporter": UserFactory(
                username="xa_mat",
                organization=tree.xa,
                role=Role.REPORTER,
                clearance=SecurityLevel.CONFIDENTIAL,
                email="xa_mat@example.org",
            ),
            "outsider": tree.outsider,
        }
        for user in readers.values():
            if not user.email:
                user.email = f"{user.username}@example.org"
                user.save(update_fields=["email"])
        yield readers, docs


def _forbidden(user: User) -> list[Marks]:
    """The marks this reader may not meet anywhere."""
    if user.organization.code == "B-TU":
        return MARKS
    allowed = SecurityLevel.up_to(user.clearance)
    return [m for m in MARKS if m.level not in allowed]


def _crawl(client: Client) -> list[str]:
    seen: dict[str, None] = {}
    per_path: dict[str, int] = {}
    queue = ["/", "/api/v1/"]
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen or url.startswith(SKIP):
            continue
        path = urlsplit(url).path
        if per_path.get(path, 0) >= 3:
            continue
        per_path[path] = per_path.get(path, 0) + 1
        seen[url] = None
        response = client.get(url)
        if response.status_code != 200:
            continue
        text = _text_of(response)
        content_type = response.get("Content-Type", "")
        found: list[str] = []
        if "html" in content_type:
            found = _links(text)
        elif "json" in content_type:
            found = re.findall(r'"(http://testserver/[^"]+)"', text)
            body = response.json()
            results = body.get("results") if isinstance(body, dict) else None
            if isinstance(results, list) and url.startswith("/api/v1/"):
                base = urlsplit(url).path
                for item in results[:20]:
                    key = item.get("id") or item.get("code") if isinstance(item, dict) else None
                    if key:
                        found.append(f"{base}{key}/")
        for link in found:
            link = link.replace("&amp;", "&")
            absolute = urljoin(url, link)
            parts = urlsplit(absolute)
            if parts.netloc not in ("", "testserver"):
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if local not in seen:
                queue.append(local)
    return list(seen)


def test_no_channel_tells_a_reader_of_a_document_above_their_clearance_or_scope(world):
    readers, docs = world
    with time_machine.travel(NOW, tick=False):
        top = Client()
        top.force_login(readers["creator"])
        urls = _crawl(top)
        # The crawl reached the derived pages, and the creator meets every mark on them.
        assert len(urls) > 80, urls
        seen_by_top = " ".join(_text_of(top.get(u)) for u in urls)
        for m in MARKS:
            assert {m.symbol, m.title_word, m.task_word} <= set(m.found_in(seen_by_top)), m
        leaks: list[str] = []
        for name, user in readers.items():
            if name == "creator":
                continue
            client = Client()
            client.force_login(user)
            forbidden = _forbidden(user)
            for url in urls:
                response = client.get(url)
                assert response.status_code < 500, (name, url, response.status_code)
                text = _text_of(response)
                for m in forbidden:
                    # A value the reader typed into the address is echoed in the filter form.
                    echoed = set(m.found_in(url))
                    if m.symbol in echoed:
                        echoed.add(quote(m.symbol, safe=""))
                    for needle in set(m.found_in(text)) - echoed:
                        leaks.append(f"{name} ({user.clearance}) met {needle!r} at {url}")
        assert leaks == [], "\n".join(leaks[:40])


def _outbound_texts() -> list[tuple[str, str]]:
    """(recipient, text) of every e-mail written, sent or waiting in the outbox."""
    texts = [(", ".join(m.to), f"{m.subject}\n{m.body}") for m in mail.outbox]
    try:
        outbox = apps.get_model("notifications", "OutboxMessage")
    except LookupError:
        return texts
    for row in outbox.objects.all():
        fields = {f.name for f in row._meta.fields}
        to = str(getattr(row, "to", "") or getattr(row, "recipient", ""))
        body = " ".join(
            str(getattr(row, f)) for f in ("subject", "body", "html_body") if f in fields
        )
        texts.append((to, body))
    return texts


def test_reminders_and_e_mails_carry_no_classified_text_and_skip_readers_below_clearance(world):
    readers, docs = world
    with time_machine.travel(NOW, tick=False):
        run = send_reminders(today=D(2026, 12, 1))
    assert run.reminders > 0
    for name, user in readers.items():
        forbidden = _forbidden(user)
        for note in Notification.objects.filter(user=user):
            for m in forbidden:
                assert not m.found_in(note.message), (name, note.message)
    # Inside the system, a cleared reader is reminded with the task's text.
    cleared = Notification.objects.filter(user=readers["commune_reporter"])
    assert any(MARKS[1].task_word in n.message for n in cleared)
    assert not any(MARKS[2].task_word in n.message for n in cleared)
    # Outside the system nobody reads classified text; the normal task is named.
    texts = _outbound_texts()
    assert texts, "no e-mail was written"
    joined = "\n".join(text for _to, text in texts)
    for m in MARKS[1:]:
        assert m.found_in(joined) == [], m
    assert MARKS[0].task_word in joined
    assert "Mật" in joined and "/nhiem-vu/" in joined


def test_the_calendar_feed_names_a_classified_document_by_its_mark_only(world):
    readers, docs = world
    with time_machine.travel(NOW, tick=False):
        for name, user in readers.items():
            token = user_calendar_token(user=user)
            response = Client().get(f"/van-ban/lich-so-ket-tong-ket/{token}.ics")
            assert response.status_code == 200
            text = response.content.decode().replace("\r\n ", "")  # unfold long lines
            for m in MARKS[1:]:
                assert m.found_in(text) == [], (name, m)
            if name == "creator":
                assert MARKS[0].symbol in text
                assert text.count("BEGIN:VEVENT") >= 2 * len(MARKS)


def test_registering_a_classified_documents_identity_again_reveals_nothing_of_it(world, tree):
    readers, docs = world
    normal_office = UserFactory(organization=tree.tu, role=Role.OFFICE)
    with pytest.raises(ValidationError) as exc:
        register(normal_office, "771-NQ/TU", tree.tu, D(2024, 2, 15), title="về một chủ đề")
    message = " ".join(exc.value.message_dict["symbol"])
    for needle in ("771", "Quokka", "Mật", "mật", "registered", "đã được đăng ký"):
        assert needle not in message, message
    # Whoever may know it is told plainly, with its symbol.
    with pytest.raises(ValidationError) as plain:
        register(tree.province_office, "771-NQ/TU", tree.tu, D(2024, 2, 15), title="về chủ đề")
    assert "771-NQ/TU" in " ".join(plain.value.message_dict["symbol"])
