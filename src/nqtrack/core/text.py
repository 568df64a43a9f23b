"""Vietnamese text helpers: folding for accent- and case-insensitive search."""

from __future__ import annotations

import re
import unicodedata

# Tone marks and vowel marks are combining characters after NFD; đ/Đ is a letter of its own
# and survives NFD, so it needs an explicit mapping (SQLite's remove_diacritics misses it).
_DD = str.maketrans({"đ": "d", "Đ": "d"})
_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower-case, strip Vietnamese tone and vowel marks and map đ → d.

    Both tone placements fold equal ("hoà" and "hòa" → "hoa").
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_DD))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).lower()


def fold_words(text: str) -> str:
    """Folded text reduced to words separated by single spaces, padded by one space each side.

    "Nghị quyết số 57-NQ/TW" → " nghi quyet so 57 nq tw ". The padding lets a search for a
    word prefix be a plain substring test (" 57" matches "57" but not "157").
    """
    words = _NON_WORD.sub(" ", fold(text)).split()
    return " " + " ".join(words) + " " if words else " "


def search_terms(query: str) -> list[str]:
    """The folded words of a search query, in order, without duplicates."""
    seen: list[str] = []
    for word in fold_words(query).split():
        if word not in seen:
            seen.append(word)
    return seen
