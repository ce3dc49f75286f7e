"""Which parser reads a file: by the user's word, or by sniffing its content."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

from goodwill.errors import ImportFailed, ValidationFailed
from goodwill.importers.records import ParseResult

FORMATS = ("linkedin", "google", "outlook", "vcard", "mbox", "maildir", "eml", "ics")
CONTACT_FORMATS = ("linkedin", "google", "outlook", "vcard")
HEAD_BYTES = 64 * 1024

Parser = Callable[[Path], Iterator[ParseResult]]


def _function(module: str, name: str) -> Callable[..., object]:
    try:
        loaded = importlib.import_module(f"goodwill.importers.{module}")
    except ModuleNotFoundError as exc:
        if exc.name != f"goodwill.importers.{module}":
            raise
        raise ImportFailed(f"this goodwill cannot read {module} files yet") from None
    found: Callable[..., object] = getattr(loaded, name)
    return found


def _sniffs(module: str, name: str, head: object) -> object:
    """A format's detector; a reader this build lacks never claims a file."""
    try:
        return _function(module, name)(head)
    except ImportFailed:
        return None


def parser_for(
    fmt: str, *, now: datetime, keep_bodies: bool = False
) -> Callable[[Path], Iterator[ParseResult]]:
    """The parse function of a format, with its options bound."""
    if fmt in {"linkedin", "google", "outlook"}:
        return _function("csv_formats", f"parse_{fmt}")  # type: ignore[return-value]
    if fmt == "vcard":
        return _function("vcard", "parse_vcard")  # type: ignore[return-value]
    if fmt in {"mbox", "maildir", "eml"}:
        parse = _function("email_formats", f"parse_{fmt}")
        return lambda path: parse(path, keep_bodies=keep_bodies)  # type: ignore[return-value]
    if fmt == "ics":
        parse_ics = _function("ics", "parse_ics")
        return lambda path: parse_ics(path, now)  # type: ignore[return-value]
    raise ValidationFailed("format", f"'{fmt}' is not one of auto, {', '.join(FORMATS)}")


def detect_format(path: Path) -> str:
    """Sniff the content (a folder: Maildir, .vcf or .eml files)."""
    if path.is_dir():
        if _sniffs("email_formats", "is_maildir", path):
            return "maildir"
        names = {p.suffix.lower() for p in path.iterdir() if p.is_file()}
        if ".vcf" in names:
            return "vcard"
        if ".eml" in names:
            return "eml"
        raise ImportFailed(f"{path.name}: a folder with no Maildir, .vcf or .eml files in it")
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    if _sniffs("vcard", "sniff_vcard", head):
        return "vcard"
    if _sniffs("ics", "sniff_ics", head):
        return "ics"
    if _sniffs("email_formats", "sniff_mbox", head):
        return "mbox"
    csv_format = _sniffs("csv_formats", "detect_csv_format", head)
    if isinstance(csv_format, str):
        return csv_format
    if _sniffs("email_formats", "sniff_eml", head):
        return "eml"
    raise ImportFailed(
        f"{path.name}: not a format goodwill reads (LinkedIn, Google or Outlook CSV, "
        "vCard, mbox, Maildir, .eml, iCalendar); name one with --format"
    )
