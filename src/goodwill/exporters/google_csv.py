"""Google Contacts CSV (the current layout), which Google, Outlook and most CRMs import."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TextIO

SEPARATOR = " ::: "  # Google's multi-value separator inside one cell


@dataclass(frozen=True)
class CsvContact:
    first_name: str | None
    last_name: str | None
    nickname: str | None = None
    emails: tuple[tuple[str, str | None], ...] = ()
    phones: tuple[tuple[str, str | None], ...] = ()
    organization: str | None = None
    title: str | None = None
    birthday: str | None = None  # YYYY-MM-DD, or --MM-DD without a year
    labels: tuple[str, ...] = ()
    websites: tuple[str, ...] = field(default_factory=tuple)
    notes: str | None = None


def _columns(emails: int, phones: int, sites: int) -> list[str]:
    head = ["First Name", "Middle Name", "Last Name", "Nickname", "Birthday", "Notes", "Labels",
            "Organization Name", "Organization Title"]  # fmt: skip
    for n in range(1, emails + 1):
        head += [f"E-mail {n} - Label", f"E-mail {n} - Value"]
    for n in range(1, phones + 1):
        head += [f"Phone {n} - Label", f"Phone {n} - Value"]
    for n in range(1, sites + 1):
        head += [f"Website {n} - Label", f"Website {n} - Value"]
    return head


def write_google_csv(
    contacts: Iterable[CsvContact], out: TextIO, *, emails: int = 3, phones: int = 3, sites: int = 2
) -> int:
    """Stream rows; more values than columns go into the last cell, ` ::: `-joined."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(_columns(emails, phones, sites))
    written = 0
    for c in contacts:
        row = [c.first_name or "", "", c.last_name or "", c.nickname or "", c.birthday or "",
               c.notes or "", SEPARATOR.join(["* myContacts", *c.labels]),
               c.organization or "", c.title or ""]  # fmt: skip
        row += _multi(c.emails, emails)
        row += _multi(c.phones, phones)
        row += _multi(tuple((url, "Profile") for url in c.websites), sites)
        writer.writerow(row)
        written += 1
    return written


def _multi(values: tuple[tuple[str, str | None], ...], slots: int) -> list[str]:
    cells: list[str] = []
    for n in range(slots):
        if n < len(values):
            rest = values[n:] if n == slots - 1 else values[n : n + 1]
            cells += [rest[0][1] or "", SEPARATOR.join(v for v, _ in rest)]
        else:
            cells += ["", ""]
    return cells
