"""The CSV contact formats and their detection from content.

Each parser lives in its own module; this one gathers them and tells them apart
from the first 64 KiB of a file, for ``goodwill import --format auto``.
"""

from __future__ import annotations

from collections.abc import Callable

from goodwill.importers.csv_common import HEAD_BYTES
from goodwill.importers.csv_google import parse_google, sniff_google
from goodwill.importers.csv_linkedin import parse_linkedin, sniff_linkedin
from goodwill.importers.csv_outlook import parse_outlook, sniff_outlook

__all__ = [
    "HEAD_BYTES",
    "detect_csv_format",
    "parse_google",
    "parse_linkedin",
    "parse_outlook",
    "sniff_google",
    "sniff_linkedin",
    "sniff_outlook",
]

# LinkedIn first: its header shares Outlook's name and email columns.
_SNIFFERS: tuple[tuple[str, Callable[[bytes], bool]], ...] = (
    ("linkedin", sniff_linkedin),
    ("google", sniff_google),
    ("outlook", sniff_outlook),
)


def detect_csv_format(head: bytes) -> str | None:
    """ "linkedin", "google" or "outlook" from a file's first 64 KiB; None when none fits."""
    head = head[:HEAD_BYTES]
    return next((name for name, sniff in _SNIFFERS if sniff(head)), None)
