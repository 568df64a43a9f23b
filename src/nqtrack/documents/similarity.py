"""Closeness in subject between documents, from the syllables of their folded titles and text."""

from __future__ import annotations

from collections.abc import Iterable

from nqtrack.core.text import fold_words

# Function words that say nothing about a subject; bigrams that contain one are ignored.
_STOP = frozenset(
    "ve cua va cac trong nhung viec doi voi tren dia ban thuc hien mot so tang cuong "
    "nang cao chat luong hieu qua cong tac giai doan nam den tinh".split()
)


def shingles(text: str) -> frozenset[str]:
    """Syllable bigrams of the folded text, skipping bigrams made only of function words."""
    words = fold_words(text).split()
    pairs = (f"{a} {b}" for a, b in zip(words, words[1:], strict=False))
    return frozenset(p for p in pairs if not all(w in _STOP for w in p.split()))


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def closeness(title: str, text: str, other_title: str, other_text: str) -> float:
    """0–1: mostly how alike the titles are, a little how alike the opening text is."""
    title_score = dice(shingles(title), shingles(other_title))
    if not text or not other_text:
        return title_score
    text_score = dice(shingles(text[:3000]), shingles(other_text[:3000]))
    return 0.75 * title_score + 0.25 * text_score


def rank_closest(
    title: str,
    text: str,
    candidates: Iterable[tuple[int, str, str]],
    *,
    limit: int = 5,
    threshold: float = 0.2,
) -> list[tuple[int, float]]:
    """(id, score) of the candidates (id, title, text) closest to the given title and text."""
    scored = [(cid, closeness(title, text, ctitle, ctext)) for cid, ctitle, ctext in candidates]
    kept = [(cid, score) for cid, score in scored if score >= threshold]
    return sorted(kept, key=lambda item: -item[1])[:limit]
