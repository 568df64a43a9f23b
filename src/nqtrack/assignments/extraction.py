"""Proposing tasks from the body of a conclusion notice or action programme and from appendix
table rows: text, lead and supporting units as written, their known organizations, product and
deadline. Plain ``re``; people review every proposal, so a doubtful item keeps no lead rather
than a guessed one. Rules where the contract leaves a choice:
- Several units in one order without "chủ trì": the first leads, the rest support; a class of
  units ("Các cấp ủy, tổ chức đảng …") is one lead as written.
- Text without a cue continues the order before it: the rest of its sentence, of its paragraph
  in a numbered item, and a later paragraph opening with "Thời gian/Thời hạn/Tiến độ/…".
- An order ending with ":" over sub-items is no task: its units and deadline pass to them.
- Items without an assignee are tasks (lead None) only under "nhiệm vụ, giải pháp" or a list of
  tasks; items with sub-items are headings; "Mục đích, yêu cầu" is skipped.
- Names match on folded keys (abbreviations expanded, place after "tỉnh" dropped): full name,
  name, short name + "Tỉnh ủy"/"tỉnh", 2025 successor, then Jaccard ≥ 0.75 with the same head
  word and level; several organizations at the first stage that finds any mean None.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from nqtrack.assignments.deadlines import LABELS, NONE, Deadline, parse_deadline
from nqtrack.core.text import fold, fold_words

__all__ = ["KnownOrg", "ProposedTask", "extract_tasks", "extract_tasks_from_table", "match_org"]


@dataclass(frozen=True)
class KnownOrg:
    code: str
    names: tuple[str, ...]  # full name, short name, abbreviation and aliases


@dataclass(frozen=True)
class ProposedTask:
    text: str
    lead: str | None
    lead_code: str | None
    supporting: tuple[str, ...]
    supporting_codes: tuple[str | None, ...]
    product: str | None
    deadline: Deadline


# --- Matching unit names to known organizations -------------------------------------------------

_ABBREVIATIONS = {
    "UBND": "Ủy ban nhân dân", "HĐND": "Hội đồng nhân dân", "HDND": "Hội đồng nhân dân",
    "MTTQVN": "Mặt trận Tổ quốc Việt Nam", "MTTQ": "Mặt trận Tổ quốc",
    "UBKT": "Ủy ban Kiểm tra", "UBKTTU": "Ủy ban Kiểm tra Tỉnh ủy",
    "BTG": "Ban Tuyên giáo", "BTGTU": "Ban Tuyên giáo Tỉnh ủy", "BDV": "Ban Dân vận",
    "BDVTU": "Ban Dân vận Tỉnh ủy", "BTGDVTU": "Ban Tuyên giáo và Dân vận Tỉnh ủy",
    "BTCTU": "Ban Tổ chức Tỉnh ủy", "BNCTU": "Ban Nội chính Tỉnh ủy", "VPTU": "Văn phòng Tỉnh ủy",
    "TU": "Tỉnh ủy", "BCS": "Ban cán sự", "BCSĐ": "Ban cán sự đảng",
    "KH&CN": "Khoa học và Công nghệ", "KHCN": "Khoa học và Công nghệ",
    "SKHCN": "Sở Khoa học và Công nghệ", "KH&ĐT": "Kế hoạch và Đầu tư",
    "LĐLĐ": "Liên đoàn Lao động", "ĐBQH": "Đại biểu Quốc hội", "TW": "Trung ương",
}  # fmt: skip
# Case-sensitive: "TU" is Tỉnh ủy, "Tư" (as in "Sở Tư pháp") is not.
_ABBR_RE = re.compile(
    r"(?<![\w&])(" + "|".join(sorted(map(re.escape, _ABBREVIATIONS), key=len, reverse=True)) + ")"
    r"(?![\w&])"
)
# Units merged or renamed in 2025: an old name that no known organization carries any more.
_SUCCESSORS = {
    "ban tuyen giao tinh uy": "ban tuyen giao va dan van tinh uy",
    "ban dan van tinh uy": "ban tuyen giao va dan van tinh uy",
    "ban can su dang uy ban nhan dan tinh": "dang uy uy ban nhan dan tinh",
}
_COMPLETIONS = (" tinh uy", " tinh")  # "Ban Tổ chức" → "Ban Tổ chức Tỉnh ủy", "Sở Tài chính"
_GENERIC_KEY_RE = re.compile(
    r"^(?:cac|nhung|moi|mot so|toan the|cap uy|dia phuong|don vi|co quan|chinh quyen)(?: |$)"
    r"| lien quan(?: |$)"
)
_LEVEL_RE = re.compile(r"\b(?:tinh|huyen|xa|phuong|thanh pho|thi xa|thi tran|trung uong)\b")
_JACCARD_MIN = 0.75


def _org_keys(name: str) -> tuple[str, str]:
    """The folded name with abbreviations expanded, in full and without the place after "tỉnh"
    ("Ủy ban nhân dân tỉnh Lào Cai" → "uy ban nhan dan tinh")."""
    text = _ABBR_RE.sub(lambda m: _ABBREVIATIONS[m[1]], unicodedata.normalize("NFC", name))
    words = re.findall(r"[^\W_]+", text)
    folded = [fold(w) for w in words]
    if folded[:4] == ["mat", "tran", "to", "quoc"]:
        folded[:0] = ["uy", "ban"]
        words[:0] = ["Ủy", "ban"]
    full = " ".join(folded)
    if "tinh" in folded:
        i = len(folded) - 1 - folded[::-1].index("tinh")
        j = i + 1 + (i + 1 < len(folded) and folded[i + 1] == "uy")
        if j < len(words) and all(w[0].isupper() for w in words[j:]):
            folded = folded[:j]
    return full, " ".join(folded)


@lru_cache(maxsize=64)
def _index(known: tuple[KnownOrg, ...]) -> tuple[tuple[str, str, str], ...]:
    return tuple((org.code, *_org_keys(n)) for org in known for n in org.names if n.strip())


def match_org(name: str, known: Sequence[KnownOrg]) -> str | None:
    """The code of the known organization `name` denotes, or None when none or several fit."""
    full, key = _org_keys(name)
    if not key or _GENERIC_KEY_RE.search(key):
        return None
    index = _index(tuple(known))
    levels = set(_LEVEL_RE.findall(key))  # "… Huyện ủy", "UBND xã": no completion
    variants = [key] + ([] if levels else [key + c for c in _COMPLETIONS])
    stages = (  # (compare full names?, wanted keys)
        (True, {full}),
        (False, {key}),
        (False, set(variants[1:])),
        (False, {_SUCCESSORS[v] for v in variants if v in _SUCCESSORS}),
    )
    for in_full, wanted in stages:
        codes = {code for code, f, k in index if (f if in_full else k) in wanted}
        if codes:
            return codes.pop() if len(codes) == 1 else None
    head, sets, scores = key.split()[0], [set(v.split()) for v in variants], dict[str, float]()
    for code, _, k in index:
        words = set(k.split())
        if k.split()[0] == head and all(f" {level} " in f" {k} " for level in levels):
            score = max(len(v & words) / len(v | words) for v in sets)  # token-set Jaccard
            scores[code] = max(score, scores.get(code, 0.0))
    best = max(scores.values(), default=0.0)
    winners = [code for code, score in scores.items() if score == best]
    return winners[0] if best >= _JACCARD_MIN and len(winners) == 1 else None


# --- Reading orders ---------------------------------------------------------------------------

_OLD_TONES = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa", "oè": "òe", "oé": "óe",
    "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe", "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}  # fmt: skip
_OLD_TONES_RE = re.compile("(?:" + "|".join(_OLD_TONES) + r")(?!\w)")


def _low(text: str) -> str:
    """Lower case with the tone on the main vowel ("uỷ" → "ủy"), keeping every offset."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return _OLD_TONES_RE.sub(lambda m: _OLD_TONES[m.group()], low)


def _words(words: str) -> str:
    items = sorted(words.split("|"), key=len, reverse=True)
    return r"(?<!\w)(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in items) + r")(?!\w)"


_VERB_RE = re.compile(_words(
    "chủ trì|phối hợp|lãnh đạo|chỉ đạo|tham mưu|theo dõi|đôn đốc|chịu trách nhiệm|có trách nhiệm"
    "|phụ trách|xây dựng|tổ chức|triển khai|báo cáo|hoàn thành|thực hiện|rà soát|nghiên cứu"
    "|hướng dẫn|quán triệt|tuyên truyền|kiểm tra|giám sát|tăng cường|đẩy mạnh|tiếp tục|khẩn trương"
    "|chủ động|tập trung|ban hành|trình|đề xuất|bố trí|cân đối|đánh giá|sơ kết|tổng kết|kiện toàn"
    "|sắp xếp|xử lý|giải quyết|vận động|phát động|cụ thể hóa|bám sát|nắm bắt|cập nhật|quản lý"
    "|ưu tiên|rút ngắn|công khai|hoàn thiện|điều chỉnh|phân công|lập|cần|phải|cung cấp|gửi"
    "|tiếp nhận|bàn giao|thành lập|sửa đổi|bổ sung|thẩm định|phê duyệt|thúc đẩy|nâng cao|đổi mới"
    "|phát huy|quan tâm|làm tốt|tích cực|kịp thời|thường xuyên|huy động|bảo đảm|đảm bảo"
    "|tạo điều kiện|hỗ trợ|tháo gỡ|chuẩn bị|tổng hợp|xác định|lựa chọn|tiếp thu|học tập|phấn đấu"
    "|đào tạo|bồi dưỡng|phát triển|mở rộng|số hóa|đưa|giữ vững|ngăn chặn|phòng ngừa|đấu tranh"
    "|thu hồi|chấn chỉnh|làm việc|giúp|duy trì|lồng ghép|đối thoại|khảo sát|thống kê|phổ biến"
    "|nhân rộng|nắm vững|vào cuộc|sớm|nghiêm túc|định kỳ|viết|tham gia|tham dự|đăng ký|nộp"
    "|dự thảo|soạn thảo"
))  # fmt: skip
# A verb right after one of these words is a noun: "Ban Chỉ đạo", "các tổ chức", "sự lãnh đạo".
_NOUN_BEFORE = frozenset("ban các những việc tác đồng tổ sự".split())
_NOT_TRINH = frozenset("chương quá lộ hành công giáo tờ".split())
_ORG_NOUN_AFTER = re.compile(
    r"\s+(?:đảng|chính\s+trị|xã\s+hội|đoàn\s+thể|cơ\s+sở|bộ\s+máy|thành\s+viên|hội|kinh\s+tế"
    r"|tín\s+dụng|quần\s+chúng|có\s+liên\s+quan|liên\s+quan|cá\s+nhân|và\s+cá\s+nhân|công\s+đoàn)"
    r"(?!\w)"
)
_UY = "(?:ủy|uỷ)"
_GENERIC_HEAD = (  # a class of units, not a list of documents ("Các văn bản …")
    rf"(?:các|mỗi|những|toàn\s+thể)\s+(?:cấp|tổ\s+chức|cơ\s+quan|đơn\s+vị|sở|ban|ngành"
    rf"|địa\s+phương|(?:huyện|thành|thị|đảng)\s+{_UY}|đảng\s+bộ|chi\s+bộ|đoàn\s+thể|hội|xã|phường"
    rf"|đồng\s+chí|cán\s+bộ|đảng\s+viên|{_UY}\s+ban|doanh\s+nghiệp|huyện|lực\s+lượng|bộ|trường)"
    rf"|cấp\s+{_UY}|người\s+đứng\s+đầu|đồng\s+chí"
)
_HEAD_RE = re.compile(
    rf"(?:{_GENERIC_HEAD}|ban(?!\s+hành)|sở|{_UY}\s+ban|ubnd|ubkt|hđnd|mttq|mặt\s+trận|văn\s+phòng"
    rf"|vptu|btctu|btg|bcs|lđlđ|đảng\s+{_UY}|đảng\s+đoàn|đảng\s+bộ|(?:tỉnh|huyện|thành|thị)\s+{_UY}"
    r"|tỉnh\s+đoàn|đoàn\s+(?:thanh\s+niên|đại\s+biểu|kiểm\s+tra|giám\s+sát)|hội(?!\s+nghị|\s+thảo)"
    r"|liên\s+đoàn|liên\s+hiệp|công\s+an|bộ\s+(?:chỉ\s+huy|đội)|báo(?!\s+cáo)|đài|trường(?!\s+hợp)|tòa\s+án"
    r"|viện|thanh\s+tra|kho\s+bạc|ngân\s+hàng|cục|chi\s+cục|trung\s+tâm|chi\s+bộ|hội\s+đồng"
    r"|thường\s+trực|chính\s+quyền)(?!\w)"
)
_GENERIC_RE = re.compile(rf"(?:{_GENERIC_HEAD})(?!\w)")
_ISSUER_RE = re.compile(r"(?:ban\s+thường\s+vụ|thường\s+trực|ban\s+chấp\s+hành)(?!\w)")
_BLOCKERS_RE = re.compile(_words("đã|đang|chưa|được|vẫn|cũng|sẽ|vừa|từng|là|không|bị"))
_STOP_RE = re.compile(
    r"\s(?:trong|theo(?!\s+dõi)|để|nhằm|là|làm|tại|căn\s+cứ|trên\s+cơ\s+sở)(?!\w)|[(:;]"
)
_CUE_RE = re.compile(r"(?:giao(?:\s+nhiệm\s+vụ)?(?:\s+cho)?|đề\s+nghị|yêu\s+cầu)\s+")
_ISSUER_CUE_RE = re.compile(
    r"(?:ban\s+thường\s+vụ|thường\s+trực|ban\s+chấp\s+hành)"
    r"(?:\s+(?!đã|đang|chưa|giao|đề|yêu)\S+){0,4}?\s+(?=(?:giao|đề\s+nghị|yêu\s+cầu)\s)"
)
_LEAD_IN_RE = re.compile(r"(?:đồng\s+thời|bên\s+cạnh\s+đó|ngoài\s+ra|trước\s+mắt|mặt\s+khác),?\s*")
_INTRO_RE = re.compile(
    r"(?:thực\s+hiện|căn\s+cứ|để|trên\s+cơ\s+sở|nhằm|theo|sau\s+khi|qua|về|đối\s+với)(?!\w)"
)
_WITH_RE = re.compile(r"phối\s+hợp(?:\s+chặt\s+chẽ)?\s+(?:với|cùng)\s+")
_LEAD_THEN_RE = re.compile(r"chủ\s+trì\s*[,;]\s*")
_THEY_SUPPORT_RE = re.compile(r"\s+(?:cùng\s+)?phối\s+hợp(?!\s+(?:chặt\s+chẽ\s+)?(?:với|cùng))")
_UNIT_SEP_RE = re.compile(r"\s*[,;]\s*|\s+(?:và|cùng)\s+")
_MID_CUE_RE = re.compile(r";\s*|,\s*(?=(?:giao|đề\s+nghị|yêu\s+cầu)\s)")
_PREAMBLE_RE = re.compile(
    r"\s*(?:tại\s+(?:phiên\s+họp|hội\s+nghị|cuộc\s+họp|buổi\s+làm\s+việc)|ngày\s+\d"
    r"|.*(?:kết\s+luận|thống\s+nhất|chỉ\s+đạo)\s+như\s+sau\s*:)"
)
_CONTINUED_RE = re.compile(r"\s*(?:thời\s+gian|thời\s+hạn|tiến\s+độ|sản\s+phẩm|hoàn\s+thành)")
_ABBREVIATED = frozenset("tp tx ths ts pgs gs đ/c st".split())

_PRODUCTS = (
    "đề án|báo cáo|kế hoạch|chương trình|tờ trình|nghị quyết|chỉ thị|quy định|quy chế|hướng dẫn"
    "|kết luận|đề xuất|phương án"
)
_PRODUCT_RE = re.compile(
    r"(?<!\w)(?:xây\s+dựng|ban\s+hành|soạn\s+thảo|(?<!chương\s)(?<!tờ\s)(?<!quá\s)trình)\s+"
    r"(?:(?:các|những|một|bộ|dự\s+thảo|\d+)\s+)*(?P<p>"
    + _PRODUCTS.replace(" ", r"\s+")
    + r")(?!\w)"
)
_PRODUCT_END_RE = re.compile(  # "phòng, chống" is one phrase
    r"\s*(?:,(?!\s*chống)|[;.:()\n])|\s(?:trình|hoàn\s+thành|trước|trong\s+(?:q[uú][ýy]|tháng|năm)"
    r"|chậm\s+nhất|xong|để|nhằm|gửi|báo\s+cáo|thời\s+gian|định\s+kỳ|hằng|hàng)(?!\w)"
)
_PRODUCT_WORDS = 12


@dataclass(frozen=True)
class _Assign:
    lead: str | None
    supporting: tuple[str, ...] = ()


@dataclass
class _Draft:
    spans: list[tuple[int, int, int]]  # (paragraph, start, end)
    assign: _Assign
    fallback: str = ""  # the text whose deadline applies when the task's own text sets none


def _verb_at(c: str, lc: str, start: int, *, listed: bool = True) -> int | None:
    """Where the predicate after the unit starting at `start` begins, if anywhere; with
    `listed` False a word after a comma is still the subject ("…, lãnh đạo các cơ quan")."""
    for m in _VERB_RE.finditer(lc, start):
        i = m.start()
        if i > start and c[i].isupper():
            continue  # part of a name: "Ban Tổ chức", "Ủy ban Kiểm tra"
        before = lc[max(0, i - 12) : i].split()
        prev = before[-1] if before else ""
        if not listed and prev.endswith(","):
            continue
        if prev in _NOUN_BEFORE or (m.group() == "trình" and prev in _NOT_TRINH):
            continue
        if m.group().startswith("tổ") and _ORG_NOUN_AFTER.match(lc, m.end()):
            continue
        return i
    return None


def _span_end(c: str, lc: str, start: int, verb: int | None = None) -> int:
    end = len(c) if verb is None else verb
    stop = _STOP_RE.search(lc, start, end)
    return stop.start() if stop else end


def _unit_start(piece: str) -> bool:
    lp = _low(piece)
    return bool(_HEAD_RE.match(lp)) and (piece[:1].isupper() or bool(_GENERIC_RE.match(lp)))


def _units(span: str, *, lead: bool = False) -> list[str]:
    """The units of a list as written: "Ủy ban MTTQ tỉnh và Báo Lào Cai" → two, while a "và"
    or comma inside a name ("Sở Văn hóa, Thể thao và Du lịch") is kept."""
    span = re.sub(r"^cho\s+", "", span.strip(" ,;:.-–"), flags=re.IGNORECASE)
    if not span:
        return []
    if lead and _GENERIC_RE.match(_low(span)):
        return [span]
    units, last = [], 0
    for sep in _UNIT_SEP_RE.finditer(span):
        if _unit_start(span[sep.end() :]):
            units.append(span[last : sep.start()])
            last = sep.end()
    units.append(span[last:])
    return [u.strip(" ,;") for u in units if u.strip(" ,;")]


def _supporting(c: str, lc: str, start: int) -> list[str]:
    found = _WITH_RE.search(lc, start)
    if found:
        end = _span_end(c, lc, found.end(), _verb_at(c, lc, found.end()))
        return _units(c[found.end() : end])
    then = _LEAD_THEN_RE.search(lc, start)
    if then and _unit_start(c[then.end() :]):
        they = _THEY_SUPPORT_RE.search(lc, then.end())
        verb = _verb_at(c, lc, then.end())
        if they and (verb is None or verb > they.start()):  # "X chủ trì, Y phối hợp …"
            return _units(c[then.end() : they.start()])
    return []


def _assignee(c: str, lc: str) -> _Assign | None:
    """Who an order names: after "Giao"/"Đề nghị"/"Yêu cầu", or the unit it opens with."""
    lead_in = _LEAD_IN_RE.match(lc)
    points = [lead_in.end() if lead_in else 0]
    if issuer := _ISSUER_CUE_RE.match(lc, points[0]):
        points.append(issuer.end())
    if _INTRO_RE.match(lc, points[0]):
        points += [m.end() for m in re.finditer(r",\s*", lc[:300])]
    for q in points:
        cue = _CUE_RE.match(lc, q)
        if cue:
            at = cue.end()
            if not (c[at : at + 1].isupper() or _GENERIC_RE.match(lc, at)):
                continue
            units = _units(c[at : _span_end(c, lc, at, _verb_at(c, lc, at))], lead=True)
        elif _HEAD_RE.match(lc, q) and not _ISSUER_RE.match(lc, q):
            if not (c[q : q + 1].isupper() or _GENERIC_RE.match(lc, q)):
                continue
            verb = _verb_at(c, lc, q, listed=False)
            if verb is None or _BLOCKERS_RE.search(lc, q, verb) or len(lc[q:verb].split()) > 20:
                continue
            units = _units(c[q : _span_end(c, lc, q, verb)], lead=True)
        else:
            continue
        if units:
            support = units[1:] + _supporting(c, lc, q)
            return _Assign(units[0], tuple(dict.fromkeys(support)))
    return None


def _sentences(para: str) -> list[tuple[int, int]]:
    cuts = [0]
    for m in re.finditer(r"[.!?:…]\s+(?=[\"“(]?[^\W\d_])", para):
        nxt = para[m.end() :].lstrip('"“(')
        words = para[cuts[-1] : m.start()].split()
        if nxt[:1].isupper() and not (words and words[-1].lower() in _ABBREVIATED):
            cuts.append(m.end())
    return list(zip(cuts, cuts[1:] + [len(para)], strict=True))


def _clauses(lc: str, start: int, end: int) -> list[tuple[int, int]]:
    cuts = [start]
    for m in _MID_CUE_RE.finditer(lc, start, end):
        if not _LEAD_IN_RE.fullmatch(lc, cuts[-1], m.end()):  # "Đồng thời, giao …" stays one
            cuts.append(m.end())
    return list(zip(cuts, cuts[1:] + [end], strict=True))


# --- The outline of a document ------------------------------------------------------------------

_MARKER_RE = re.compile(
    r"\s*(?:(?P<num>\d{1,2}(?:\.\d{1,2})*)[.)]|(?P<sub>\d{1,2}(?:\.\d{1,2})+)|(?P<letter>[a-zđ])[.)]"
    r"|(?P<dash>[-–—])|(?P<bullet>[+•*▪●◦·]))\s+"
)
_ROMAN_RE = re.compile(r"\s*(?:[Pp]hần\s+)?[IVX]{1,5}[.)]\s")
_SKIP_TITLE_RE = re.compile(r"(?:muc dich|yeu cau|muc tieu|quan diem|chi tieu)(?!\w)")
_TASK_TITLE_RE = re.compile(r"nhiem vu|giai phap|noi dung|cong viec")
_NUMBERING_RE = re.compile(r"^\s*(?:phan\s+)?(?:[ivx]{1,5}|\d{1,2}(?:\.\d{1,2})*)[.)]\s*")


@dataclass
class _Block:
    paras: list[str]
    parent: int | None
    marked: bool
    scope: str  # "skip", "tasks" (items without assignee are tasks) or "orders"
    children: list[int] = field(default_factory=list)
    inherit: _Draft | None = None


def _scope_of(title: str, default: str) -> str:
    """The scope a heading or a short item title opens ("Mục đích", "Nhiệm vụ, giải pháp")."""
    if len(title.split()) > 8:
        return default
    folded = _NUMBERING_RE.sub("", fold(title))
    if _SKIP_TITLE_RE.match(folded) or "muc dich" in folded:
        return "skip"
    return "tasks" if _TASK_TITLE_RE.search(folded) else default


def _outline(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    stack: list[tuple[str, int]] = []  # (marker kind, block)
    section, last = "orders", ""  # the line before, when it was no heading
    for raw in unicodedata.normalize("NFC", text).splitlines():
        line = " ".join(raw.replace("\xa0", " ").split())
        letters = [ch for ch in line if ch.isalpha()]
        if not line:
            continue
        if _ROMAN_RE.match(line) or (len(letters) >= 4 and all(ch.isupper() for ch in letters)):
            section, stack, last = _scope_of(line, "orders"), [], ""
            continue
        marker = _MARKER_RE.match(line)
        wrapped = last and last[-1] not in ".;:!?…" and (len(last) >= 60 or line[0].islower())
        last = line
        if marker is None and wrapped:  # a line broken inside a sentence (pasted from a PDF)
            blocks[-1].paras[-1] += " " + line
            continue
        if marker is None and stack:
            above = blocks[stack[-1][1]].paras[-1]
            if not line.endswith(":") or above[-1] not in ".;!?…":  # else it opens a new list
                blocks[stack[-1][1]].paras.append(line)
                continue
            stack = []
        kind = "para" if marker is None else str(marker.lastgroup)
        if marker is not None and marker["num"]:
            kind += str(marker["num"].count("."))
        body = line[marker.end() :] if marker else line
        if kind in (k for k, _ in stack):  # a sibling: close the items down to its level
            while stack.pop()[0] != kind:
                pass
        parent = stack[-1][1] if stack else None
        scope = blocks[parent].scope if parent is not None else section
        if scope != "skip" and parent is not None:
            above = blocks[parent].paras[-1]  # "… các nhiệm vụ sau:" lists tasks
            if above.endswith(":") and _TASK_TITLE_RE.search(fold(above)):
                scope = "tasks"
        if scope != "skip" and marker is not None:
            scope = _scope_of(body, scope)
        blocks.append(_Block([body], parent, marker is not None, scope))
        if parent is not None:
            blocks[parent].children.append(len(blocks) - 1)
        stack.append((kind, len(blocks) - 1))
    return blocks


def _drafts(block: _Block) -> list[_Draft]:
    drafts: list[_Draft] = []
    open_task = False  # whether the last draft may still be continued
    for pi, para in enumerate(block.paras):
        lp = _low(para)
        for si, (s_start, s_end) in enumerate(_sentences(para)):
            if _PREAMBLE_RE.match(lp, s_start, s_end):
                open_task = False
                continue
            continues = open_task and (
                block.marked and si > 0 or si == 0 and pi > 0 and _CONTINUED_RE.match(lp, s_start)
            )
            open_task, pending = bool(continues), None
            for c_start, c_end in _clauses(lp, s_start, s_end):
                found = _assignee(para[c_start:c_end], lp[c_start:c_end])
                if found is not None:
                    start = c_start if pending is None else pending
                    drafts.append(_Draft([(pi, start, c_end)], found))
                    open_task = True
                elif open_task:
                    spans = drafts[-1].spans
                    if spans[-1][0] == pi:
                        spans[-1] = (pi, spans[-1][1], c_end)
                    else:
                        spans.append((pi, c_start, c_end))
                elif pending is None:
                    pending = c_start
    return drafts


def _text(block: _Block, draft: _Draft) -> str:
    return " ".join(block.paras[p][s:e] for p, s, e in draft.spans).strip(" ;,")


def _product(text: str) -> str | None:
    lt = _low(text)
    found = _PRODUCT_RE.search(lt)
    if found is None:
        return None
    end = _PRODUCT_END_RE.search(lt, found.end("p"))
    words = text[found.start("p") : end.start() if end else len(text)].split()
    return " ".join(words[:_PRODUCT_WORDS])


def _proposal(
    text: str, assign: _Assign, when: Sequence[str], ref: date, known: Sequence[KnownOrg],
    holidays: frozenset[date], product: str | None = None,
) -> ProposedTask:  # fmt: skip
    """`when`: the texts to read the deadline from, the first that sets one wins."""
    deadline = Deadline(NONE, None, LABELS["none"])
    for source in filter(None, when):
        deadline = parse_deadline(source, ref, holidays=holidays)
        if deadline.kind != NONE:
            break
    return ProposedTask(
        text=text,
        lead=assign.lead,
        lead_code=match_org(assign.lead, known) if assign.lead else None,
        supporting=assign.supporting,
        supporting_codes=tuple(match_org(s, known) for s in assign.supporting),
        product=product or _product(text),
        deadline=deadline,
    )


def extract_tasks(
    text: str,
    reference_date: date,
    known: Sequence[KnownOrg] = (),
    *,
    holidays: frozenset[date] = frozenset(),
) -> list[ProposedTask]:
    """The tasks a conclusion notice or an action programme assigns, in document order."""
    blocks, tasks = _outline(text), []
    for block in blocks:
        if block.scope == "skip":
            continue
        inherit = blocks[block.parent].inherit if block.parent is not None else None
        drafts = _drafts(block)
        if drafts and block.children and _text(block, drafts[-1]).endswith(":"):
            block.inherit = drafts.pop()
            block.inherit.fallback = _text(block, block.inherit)
        elif not drafts and block.marked and not block.children:
            if inherit is not None or block.scope == "tasks":
                spans = [(p, 0, len(para)) for p, para in enumerate(block.paras)]
                drafts = [_Draft(spans, inherit.assign if inherit else _Assign(None))]
        if block.children and not drafts and inherit is not None:
            block.inherit = inherit  # a group heading under an order passes it on
        for draft in drafts:
            when = (_text(block, draft), inherit.fallback if inherit else "")
            tasks.append(_proposal(when[0], draft.assign, when, reference_date, known, holidays))
    return tasks


# --- Appendix tables --------------------------------------------------------------------------

_COLUMNS = (  # checked in this order: "Cơ quan phối hợp" is no lead column
    ("stt", re.compile(r"^(?:stt|tt|so tt|so thu tu)$")),
    ("product", re.compile(r"san pham")),
    ("supporting", re.compile(r"phoi hop")),
    ("lead", re.compile(r"chu tri|thuc hien|phu trach")),
    ("deadline", re.compile(r"thoi gian|thoi han|tien do|hoan thanh")),
    ("content", re.compile(r"noi dung|nhiem vu|cong viec|de an|giai phap")),
)
_BARE_YEARS_RE = re.compile(r"\s*(\d{4})(?:\s*[-–]\s*(\d{4}))?\s*")


def _columns(header: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, cell in enumerate(header):
        words = fold_words(cell).strip()
        for role, pattern in _COLUMNS:
            if role not in found and pattern.search(words):
                found[role] = i
                break
    return found


def extract_tasks_from_table(
    rows: Sequence[Sequence[str]],
    reference_date: date,
    known: Sequence[KnownOrg] = (),
    *,
    holidays: frozenset[date] = frozenset(),
) -> list[ProposedTask]:
    """The tasks of an appendix table whose first row is its header."""
    if not rows:
        return []
    cols = _columns(rows[0])
    if "content" not in cols:
        return []
    tasks = []
    for row in rows[1:]:
        cells = [" ".join(str(c or "").split()) for c in row]
        cell = {role: cells[i] if i < len(cells) else "" for role, i in cols.items()}
        numbering = _MARKER_RE.match(cell["content"])
        content = cell["content"][numbering.end() if numbering else 0 :]
        letters = [ch for ch in content if ch.isalpha()]
        filled = [c for c in cells if c]
        if not letters or len(row) == 1 or len(filled) > 1 and len(set(filled)) == 1:
            continue  # empty, "(2)" under the header, or one merged cell
        others = [v for role, v in cell.items() if role not in ("stt", "content") and v]
        roman = re.fullmatch(r"[IVX]{1,5}\.?", cell.get("stt", ""))
        if not others and (roman or all(ch.isupper() for ch in letters)):
            continue  # a section row: "I | LĨNH VỰC KINH TẾ"
        leads = _units(cell.get("lead", ""), lead=True)
        support = tuple(dict.fromkeys(leads[1:] + _units(cell.get("supporting", ""))))
        when = cell.get("deadline", "")
        if years := _BARE_YEARS_RE.fullmatch(when):
            when = f"giai đoạn {years[1]}-{years[2]}" if years[2] else f"năm {years[1]}"
        assign = _Assign(leads[0] if leads else None, support)
        product = cell.get("product") or None
        tasks.append(
            _proposal(content, assign, (when, content), reference_date, known, holidays, product)
        )
    return tasks
