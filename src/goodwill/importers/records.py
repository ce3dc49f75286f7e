"""The plain records every parser yields (no database, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class Location:
    """Where a record came from, for error reports: file, record number, first line."""

    file: str
    record: int  # 1-based, in the order the parser met records
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}: record {self.record}"
        return f"{where} (line {self.line})" if self.line is not None else where


@dataclass(frozen=True)
class RecordError:
    """A record that could not be read; the parser goes on with the next one."""

    location: Location
    field: str | None
    reason: str

    def __str__(self) -> str:
        return f"{self.location}: {self.field + ': ' if self.field else ''}{self.reason}"


@dataclass(frozen=True)
class LabeledValue:
    value: str  # as found in the file (normalization happens when saving)
    label: str | None = None


@dataclass(frozen=True)
class ImportedPosition:
    organization: str
    title: str | None = None
    current: bool = True


@dataclass(frozen=True)
class Birthday:
    month: int
    day: int
    year: int | None = None  # None: the year is unknown (Outlook writes 1604, vCard --MMDD)


@dataclass(frozen=True)
class Address:
    label: str | None = None
    street: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class ImportedContact:
    location: Location
    first_name: str | None = None
    last_name: str | None = None
    full_name: str | None = None  # when the source has no split name
    nickname: str | None = None
    emails: tuple[LabeledValue, ...] = ()
    phones: tuple[LabeledValue, ...] = ()
    profile_urls: tuple[str, ...] = ()  # LinkedIn and other profile links, decoded
    positions: tuple[ImportedPosition, ...] = ()
    met_on: date | None = None
    birthday: Birthday | None = None
    tags: tuple[str, ...] = ()
    note: str | None = None
    addresses: tuple[Address, ...] = ()
    photo: str | None = None  # the PHOTO property verbatim (vCard line), kept not lost
    extra: tuple[str, ...] = ()  # unknown and X- properties, verbatim vCard lines
    source_uid: str | None = None  # a stable id the source gives the record (vCard UID)
    # (name, value) pairs for the contact's custom fields: what the source holds and no
    # field above takes (middle name, department, a CSV column no parser maps). Names
    # are unique (a repeated one gets " 2", " 3"), values trimmed, at most 2,000 chars.
    custom: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Correspondent:
    email: str  # lower-cased address
    name: str | None = None


@dataclass(frozen=True)
class ImportedMessage:
    """One email message, to become an email interaction."""

    location: Location
    key: str  # Message-ID, or a hash of Date+From+Subject when it has none
    occurred_at: datetime  # aware
    sender: Correspondent
    recipients: tuple[Correspondent, ...]  # To and Cc
    subject: str | None = None
    bulk: bool = False  # List-Id, Precedence: bulk/list/junk
    no_reply: bool = False  # no-reply style sender
    body: str | None = None  # only when asked to keep bodies


@dataclass(frozen=True)
class ImportedEvent:
    """One occurrence of a calendar event (recurrences already expanded)."""

    location: Location
    key: str  # UID + RECURRENCE-ID (or the occurrence start)
    start: datetime  # aware
    end: datetime | None
    summary: str | None
    attendees: tuple[Correspondent, ...] = ()
    organizer: Correspondent | None = None


Record = ImportedContact | ImportedMessage | ImportedEvent
ParseResult = Record | RecordError


@dataclass
class ParseStats:
    """Counts a parser keeps while streaming (records read, errors)."""

    read: int = 0
    errors: int = 0
    skipped: list[str] = field(default_factory=list)
