"""Vietnamese text helpers: search keys and sort keys that ignore diacritics."""

import re
import unicodedata

_NOT_WORD = re.compile(r"[\W_]+")

# Vietnamese alphabetical order: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y.
_ORDER = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_RANK = {letter: index for index, letter in enumerate(_ORDER)}


def _strip_marks(text):
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


# Every precomposed Latin letter (Latin-1 to Latin Extended Additional, where Vietnamese
# lives) mapped to its base letter: one str.translate() instead of a loop per character.
_BASE_LETTERS = {
    code: _strip_marks(chr(code))
    for start, end in ((0x00C0, 0x024F), (0x1E00, 0x1EFF))
    for code in range(start, end + 1)
    if _strip_marks(chr(code)) != chr(code)
}
_BASE_LETTERS.update({ord("đ"): "d", ord("Đ"): "D"})
_COMBINING = re.compile(r"[\u0300-\u036f]")


def fold(text):
    """Return ``text`` lower-cased, without diacritics or punctuation, with single spaces.

    "Bạch  Thông" and "bach thong" fold to the same key; đ folds to d; “quotes” and
    hyphens become spaces, so a search need not type them.
    """
    if not text:
        return ""
    text = str(text)
    if _COMBINING.search(text):  # decomposed input (NFD), as some spreadsheets store it
        text = unicodedata.normalize("NFC", text)
    stripped = _COMBINING.sub("", text.translate(_BASE_LETTERS))
    return _NOT_WORD.sub(" ", stripped).strip().lower()


def search_terms(text, limit=12):
    """Return the folded words of a search as (word, is_prefix) pairs.

    A word typed with a trailing ``*`` ("nguy*") stands for any word that starts with it;
    the others are whole words. "An-ninh*" gives ("an", False), ("ninh", True).
    """
    terms = []
    for raw in str(text or "").split():
        words = fold(raw).split()
        terms += [(word, False) for word in words]
        if words and raw.endswith("*"):
            terms[-1] = (words[-1], True)
    return terms[:limit]


def widen_search(text):
    """Return ``text`` with its last word made a prefix ("nguy" → "nguy*"), or None if it already is."""
    terms = search_terms(text)
    if not terms or terms[-1][1]:
        return None
    tokens = str(text).split()
    last = max(index for index, token in enumerate(tokens) if fold(token))  # not trailing punctuation
    tokens[last] += "*"
    return " ".join(tokens)


def sort_key(text):
    """Return a key that sorts Vietnamese names the way Vietnamese readers expect (Đ after D)."""
    key = []
    for ch in unicodedata.normalize("NFC", str(text or "")).lower():
        base = unicodedata.normalize("NFD", ch)
        letter = unicodedata.normalize(
            "NFC", "".join(c for c in base if c not in "\u0300\u0301\u0303\u0309\u0323")
        )
        tone = next(
            (
                ("\u0300\u0301\u0303\u0309\u0323".index(c) + 1)
                for c in base
                if c in "\u0300\u0301\u0303\u0309\u0323"
            ),
            0,
        )
        key.append((_RANK.get(letter, 100 + ord(letter[0]) if letter else 0), tone))
    return key


# Characters that change how text is shown without being seen: zero-width spaces and joiners,
# the bidirectional controls (a right-to-left override turns "gpj.exe" into "exe.jpg"), the
# byte-order mark, soft hyphens, and the C0/C1 control characters. Tabs and line breaks stay
# where a text may hold several lines.
_INVISIBLE = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
)
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85]")


def clean_text(value, *, multiline=False):
    """Return ``value`` without invisible, bidirectional-control or control characters, in NFC.

    A one-line text also loses its tabs and line breaks (each becomes a space) and the spaces
    at its ends; a multi-line one keeps its line breaks, written as "\\n". Forms and the import
    pass every text through here, so that a name looks as it is stored and is found by search.
    """
    if value is None:
        return value
    text = unicodedata.normalize("NFC", str(value))
    text = _LINE_BREAKS.sub("\n", text)
    if not multiline:
        text = text.replace("\n", " ").replace("\t", " ")
    text = _INVISIBLE.sub("", text)
    return text if multiline else text.strip()


def shorten_filename(name, limit=100):
    """Return the file name ``name`` cut to ``limit`` characters, keeping its extension."""
    name = clean_text(name)
    if len(name) <= limit:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension) > 10:
        return name[:limit].rstrip()
    return stem[: limit - len(extension) - 1].rstrip(" .") + "." + extension
