"""Text hygiene and the search folding shared by every database."""

from __future__ import annotations

import re
import unicodedata

from goodwill.errors import ValidationFailed

NAME_MAX = 200
SHORT_MAX = 500
SUMMARY_MAX = 10_000
BODY_MAX = 100_000

# Letters that Unicode does not decompose into a base letter plus a mark.
_UNDECOMPOSED = str.maketrans(
    {
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "þ": "th",
        "Þ": "th",
        "ı": "i",
    }
)
_SPACES = re.compile(r"\s+")
_MULTILINE_CONTROLS = "\n\r\t"


def clean_text(
    value: str | None,
    field: str,
    *,
    max_len: int,
    required: bool = False,
    multiline: bool = False,
) -> str | None:
    """Strip and check a user-supplied string; None or blank becomes None unless required.

    NUL bytes are refused everywhere (PostgreSQL cannot store them); other control
    characters are refused in one-line fields, and allowed as line breaks and tabs
    in multi-line ones.
    """
    if value is None:
        if required:
            raise ValidationFailed(field, "is required")
        return None
    if "\x00" in value:
        raise ValidationFailed(field, "contains a NUL byte")
    stripped = value.strip()
    allowed = _MULTILINE_CONTROLS if multiline else ""
    # isprintable() is False for every control character (and for some harmless
    # ones): only then is each character looked at.
    for ch in "" if stripped.isprintable() else stripped:
        if ch not in allowed and unicodedata.category(ch) == "Cc":
            raise ValidationFailed(field, f"contains a control character (U+{ord(ch):04X})")
    if not stripped:
        if required:
            raise ValidationFailed(field, "must not be blank")
        return None
    if len(stripped) > max_len:
        raise ValidationFailed(
            field, f"is {len(stripped):,} characters long; the limit is {max_len:,}"
        )
    return stripped


def collapse_spaces(value: str) -> str:
    return _SPACES.sub(" ", value).strip()


def fold(value: str) -> str:
    """Case- and accent-insensitive key: 'Zoë Ångström' -> 'zoe angstrom'.

    Search compares folded strings stored in ordinary columns, so SQLite and
    PostgreSQL give identical results without relying on collations.
    """
    if value.isascii():  # the common case, and what the general path gives for it
        return collapse_spaces(value.lower())
    # Decompose and drop marks, fold case, map the letters Unicode keeps whole
    # (ø, æ, ł…), then decompose once more: casefold can itself produce marks
    # ('İ' -> 'i̇'), and a mapped letter may have come from a decomposition ('Ǿ' -> 'ø').
    text = _strip_marks(value).casefold().translate(_UNDECOMPOSED)
    return collapse_spaces(_strip_marks(text))


def _strip_marks(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    if decomposed.isascii():
        return decomposed
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def search_tokens(query: str) -> list[str]:
    return [t for t in fold(query).split(" ") if t]


def like_escape(value: str) -> str:
    """Escape LIKE wildcards; use with ESCAPE '\\'."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
