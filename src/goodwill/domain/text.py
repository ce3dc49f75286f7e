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


def clean_text(
    value: str | None, field: str, *, max_len: int, required: bool = False
) -> str | None:
    """Strip and check a user-supplied string; None or blank becomes None unless required."""
    if value is None:
        if required:
            raise ValidationFailed(field, "is required")
        return None
    if "\x00" in value:
        raise ValidationFailed(field, "contains a NUL byte")
    stripped = value.strip()
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
    decomposed = unicodedata.normalize("NFKD", value.translate(_UNDECOMPOSED))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return collapse_spaces(stripped.casefold())


def search_tokens(query: str) -> list[str]:
    return [t for t in fold(query).split(" ") if t]


def like_escape(value: str) -> str:
    """Escape LIKE wildcards; use with ESCAPE '\\'."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
