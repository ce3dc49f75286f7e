"""vCard value grammar shared by the vCard reader and writer: escaping, labels, birthdays.

Pure functions over strings; no I/O.
"""

from __future__ import annotations

import re
from datetime import date

from goodwill.importers.records import Birthday

# TYPE values that say nothing a person would call a label: transport, preference,
# the default "voice", and postal delivery flags.
GENERIC_TYPES = frozenset(
    {"internet", "x400", "pref", "voice", "dom", "intl", "postal", "parcel", "7bit", "8bit"}
)
# TYPE values a label may be written back as (anything else travels as an X-ABLabel).
KNOWN_TYPES = frozenset(
    {"home", "work", "cell", "fax", "pager", "video", "text", "textphone", "msg", "bbs",
     "modem", "car", "isdn", "pcs", "iphone", "main", "other"}
)  # fmt: skip
# Apple's built-in labels, which it writes as _$!<Label>!$_ (custom ones go bare).
APPLE_LABELS = frozenset(
    {"Home", "Work", "Other", "Main", "Mobile", "HomeFAX", "WorkFAX", "OtherFAX", "Pager",
     "iPhone", "School", "HomePage", "Anniversary"}
)  # fmt: skip

_APPLE_WRAPPED = re.compile(r"_\$!<(.*)>!\$_", re.DOTALL)
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)
_PARTS = {sep: re.compile(rf"\\.?|{sep}|[^\\{sep}]+", re.DOTALL) for sep in ";,"}
_BDAY = re.compile(r"(\d{4}|--)-?(\d{2})-?(\d{2})(?:T[0-9:.,Z+-]*)?", re.ASCII)
NO_YEAR = 1604  # the year Apple and Outlook write for a birthday without one


def _unescape_one(match: re.Match[str]) -> str:
    char = match.group(1)
    if char in "nN":
        return "\n"
    if char in "\\,;:":  # \: is not in the RFCs, but Google writes https\://
        return char
    return match.group(0)


def unescape(value: str) -> str:
    """A TEXT value with its backslash escapes resolved (unknown escapes left alone)."""
    return _ESCAPED.sub(_unescape_one, value) if "\\" in value else value


def split_escaped(value: str, separator: str) -> list[str]:
    """Split on `separator` where it is not backslash-escaped; the parts stay escaped."""
    parts = [""]
    for token in _PARTS[separator].findall(value):
        if token == separator:
            parts.append("")
        else:
            parts[-1] += token
    return parts


def escape(value: str) -> str:
    """A TEXT value escaped for writing (RFC 6350 3.4): backslash, comma, semicolon, newline."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")


def clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def label_from_types(types: list[str]) -> str | None:
    """A label from TYPE parameter values ("WORK,FAX" or several TYPE=): "work,fax"."""
    found: list[str] = []
    for value in types:
        for token in value.split(","):
            token = token.strip().strip('"').lower()
            if token and token not in GENERIC_TYPES and token not in found:
                found.append(token)
    return ",".join(found) or None


def unwrap_apple_label(value: str) -> str | None:
    match = _APPLE_WRAPPED.fullmatch(value.strip())
    return clean(match.group(1) if match else value)


def wrap_apple_label(label: str) -> str:
    return f"_$!<{label}>!$_" if label in APPLE_LABELS else label


def label_as_types(label: str) -> list[str] | None:
    """The TYPE values a label reads back from, or None when it needs an X-ABLabel."""
    tokens = label.split(",")
    if all(t in KNOWN_TYPES for t in tokens):  # lower-case tokens only: "Work" stays a label
        return tokens
    return None


def parse_bday(value: str, omit_year: str | None = None) -> Birthday | None:
    """A BDAY value (YYYY-MM-DD, YYYYMMDD, --MMDD, --MM-DD, optionally with a time);
    the year is unknown for --, 1604, 0000 or the X-APPLE-OMIT-YEAR year. None when
    the value is no such date (4.0 allows free text)."""
    match = _BDAY.fullmatch(value.strip())
    if match is None:
        return None
    year_text, month, day = match.group(1), int(match.group(2)), int(match.group(3))
    year = None if year_text == "--" else int(year_text)
    if year in (0, NO_YEAR) or (omit_year is not None and year_text == omit_year.strip()):
        year = None
    try:
        date(year if year is not None else 2000, month, day)  # 2000: let 29 February through
    except ValueError:
        return None
    return Birthday(month=month, day=day, year=year)
