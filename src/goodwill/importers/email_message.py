"""One email message's bytes -> an ImportedMessage or a RecordError (email_formats.py finds
the messages in mbox files, Maildirs and .eml folders).

- Header lines are picked out of the header block with one regular expression (name, colon,
  value and its continuation lines, as the stdlib parser reads them), and the few we need are
  decoded with email.utils (dates, address lists) and email.header (RFC 2047). Address lists of
  the common shapes skip getaddresses' character-by-character parser (split_addresses), which
  was the slowest step. Raw 8-bit header bytes are UTF-8 (RFC 6532), else cp1252.
- Bodies (keep_bodies) go through the stdlib parser in the compat32 policy.
- key: the Message-ID without its <> and whitespace (case kept); without one,
  "sha256:" + the hex digest of the raw "Date|From|Subject" values.
- occurred_at: Date, in UTC (a date without a zone is taken as UTC); missing or unreadable
  -> RecordError on Date. A message without a usable From address -> RecordError on From.
- recipients: To and Cc, deduplicated by address (addresses lower-cased, names decoded from
  RFC 2047); group syntax and invalid addresses are skipped.
- bulk and no_reply: see is_bulk and is_no_reply.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email import policy
from email.errors import MessageError
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime

from goodwill.importers.records import (
    Correspondent,
    ImportedMessage,
    Location,
    ParseResult,
    RecordError,
)

BULK_PRECEDENCE = frozenset({"bulk", "list", "junk"})
_WANTED = frozenset(
    {b"from", b"to", b"cc", b"date", b"subject", b"message-id", b"list-id", b"precedence"}
    | {b"list-unsubscribe"}
)
# Only the header lines we read are matched (the others are skipped by the regex engine):
# "name:value" and its continuation lines, as the stdlib parser reads them.
_HEADER_FIELD = re.compile(
    rb"^(" + b"|".join(re.escape(name) for name in sorted(_WANTED)) + rb"):(.*(?:\n[ \t].*)*)",
    re.MULTILINE | re.IGNORECASE,
)
# One RFC 2047 encoded word in a common charset: decoded here, the rest by email.header.
_ENCODED_WORD = re.compile(r"=\?(utf-8|us-ascii|iso-8859-1)\?([bq])\?([!->@-~]*)\?=", re.I)
_MONTHS = {
    m: n
    for n, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
# An RFC 5322 date as mail programs write it: read here, anything else by email.utils.
_DATE = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct"
    r"|Nov|Dec) ([1-9]\d{3}) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)",
    re.ASCII,
)
_BLANK_LINE = re.compile(rb"\n\r?\n")
_ADDRESS = re.compile(r"[^@\s<>(),;:\\\"\[\]]+@[^@\s<>(),;:\\\"\[\]]+")
_MESSAGE_ID = re.compile(r"<([^<>]*)>")
_NO_REPLY = re.compile(
    r"no[-_.]?reply|do[-_.]?not[-_.]?reply"  # anywhere: noreply-dmarc, info-noreply
    r"|^(?:mailer[-_.]?daemon|notifications?|bounces?)(?:$|[-+_.=])"
)
# Address lists in the common shapes (Name <a@b>, "Quoted, Name" <a@b>, a@b, comma-separated)
# are read with one regular expression; anything else (comments, groups, odd quoting) goes to
# email.utils.getaddresses, whose character-by-character parser is the slowest step otherwise.
_ADDR = r"[^<>\s(),;:\"@\[\]\\]+@[^<>\s(),;:\"@\[\]\\]+"
_WORD = r"[^<>\s(),;:\"@\[\]\\]+"  # whitespace-separated words: no ambiguous backtracking
_NAME = rf'"((?:[^"\\\r\n]|\\.)*)"|({_WORD}(?:\s+{_WORD})*)'
_ITEM = rf"\s*(?:(?:(?:{_NAME})\s*)?<({_ADDR})>|({_ADDR}))\s*"
_ITEM_PATTERN = re.compile(_ITEM)
_SIMPLE_LIST = re.compile(rf"{_ITEM}(?:,{_ITEM})*")
_QUOTED_PAIR = re.compile(r"\\(.)")
_BODY_PARSER = BytesParser(policy=policy.compat32)


def is_no_reply(address: str) -> bool:
    """A sender nobody answers: noreply, no-reply, donotreply, do-not-reply anywhere in the local
    part (also with _ or .), or a local part that is mailer-daemon, notification(s) or bounce(s),
    alone or followed by a separator (bounces+123@, notifications-x@)."""
    local = address.rpartition("@")[0] or address
    return _NO_REPLY.search(local.lower()) is not None


def is_bulk(list_id: str | None, precedence: str | None, list_unsubscribe: str | None) -> bool:
    """Mail sent to many: a List-Id (mailing lists), Precedence bulk/list/junk, or a
    List-Unsubscribe header (newsletters carry it without List-Id; bulk senders must send it,
    person-to-person mail does not)."""
    if list_id is not None or list_unsubscribe is not None:
        return True
    return precedence is not None and precedence.strip().lower() in BULK_PRECEDENCE


def message_result(raw: bytes, location: Location, keep_bodies: bool = False) -> ParseResult:
    """One message's bytes (its header block is enough without keep_bodies) -> record or error."""
    headers = _wanted_headers(_header_block(raw))
    try:
        record = _message_record(headers, location)
    except _Unreadable as problem:
        return RecordError(location, problem.field, problem.reason)
    return replace(record, body=_body_text(raw)) if keep_bodies else record


class _Unreadable(Exception):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


def _message_record(headers: dict[str, list[str]], location: Location) -> ImportedMessage:
    if "from" not in headers:
        raise _Unreadable("From", "no From header")
    senders = _correspondents(headers["from"])
    if not senders:
        raise _Unreadable("From", f"no valid address in {headers['from'][0][:100]!r}")
    date_raw = _first(headers, "date")
    if date_raw is None:
        raise _Unreadable("Date", "no Date header")
    subject_raw = _first(headers, "subject")
    subject = _decode_words(subject_raw) if subject_raw is not None else ""
    return ImportedMessage(
        location=location,
        key=_message_key(_first(headers, "message-id"), date_raw, headers["from"][0], subject_raw),
        occurred_at=_parse_date(date_raw),
        sender=senders[0],
        recipients=tuple(_correspondents(headers.get("to", []) + headers.get("cc", []))),
        subject=subject or None,
        bulk=is_bulk(
            _first(headers, "list-id"),
            _first(headers, "precedence"),
            _first(headers, "list-unsubscribe"),
        ),
        no_reply=is_no_reply(senders[0].email),
    )


def _header_block(raw: bytes) -> bytes:
    """The bytes before the first blank line."""
    if raw.startswith((b"\n", b"\r\n")):
        return b""
    end = _BLANK_LINE.search(raw)
    return raw[: end.start() + 1] if end else raw


def _wanted_headers(block: bytes) -> dict[str, list[str]]:
    """The values of the headers we read, unfolded and decoded to text, by lower-cased name.

    Header lines are "name:value" with continuation lines starting with a space or tab, as the
    stdlib parser reads them (a leading "From " postmark line is not a header)."""
    found: dict[str, list[str]] = {}
    for field in _HEADER_FIELD.finditer(block):
        name = field.group(1).lower()
        if name in _WANTED:
            value = field.group(2).replace(b"\r", b"").replace(b"\n", b"").strip()
            found.setdefault(name.decode("ascii"), []).append(_text(value))
    return found


def _first(headers: dict[str, list[str]], name: str) -> str | None:
    values = headers.get(name)
    return values[0] if values else None


def _text(raw: bytes) -> str:
    """Header bytes as text: 8-bit bytes are UTF-8 (RFC 6532), else cp1252."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", "replace")


def _decode_words(text: str) -> str:
    """RFC 2047 encoded words decoded; the text as found when they cannot be."""
    if "=?" in text:
        if (word := _ENCODED_WORD.fullmatch(text.strip())) is not None and (
            decoded := _decode_word(*word.groups())
        ) is not None:
            return decoded.strip()
        try:
            text = str(make_header(decode_header(text)))
        except (LookupError, UnicodeError, ValueError, MessageError):  # odd charset, base64
            pass
    return text.strip()


def _decode_word(charset: str, encoding: str, payload: str) -> str | None:
    """One encoded word's text, as str(make_header(decode_header(word))) gives it; None to
    leave the word to them (a payload they would repair or reject)."""
    try:
        if encoding in "qQ":
            if "=" in payload and not re.fullmatch(r"(?:[^=]|=[0-9A-Fa-f]{2})*", payload):
                return None
            raw = binascii.a2b_qp(payload.encode("ascii"), header=True)
        else:
            if len(payload) % 4 or not re.fullmatch(r"[A-Za-z0-9+/]*={0,2}", payload):
                return None
            raw = base64.b64decode(payload, validate=True)
        return raw.decode(charset.lower())
    except (ValueError, UnicodeError):
        return None


def _correspondents(values: list[str]) -> list[Correspondent]:
    """Valid addresses of address headers, lower-cased, first occurrence kept."""
    seen: dict[str, Correspondent] = {}
    for name, address in split_addresses(values):
        email = address.strip().lower()
        if not _ADDRESS.fullmatch(email) or email in seen:
            continue
        seen[email] = Correspondent(email, _decode_words(name) or None)
    return list(seen.values())


def split_addresses(values: list[str]) -> list[tuple[str, str]]:
    """(display name, address) pairs of address header values, as email.utils.getaddresses
    gives them."""
    pairs: list[tuple[str, str]] = []
    for value in values:
        if not _SIMPLE_LIST.fullmatch(value):
            pairs.extend(getaddresses([value]))
            continue
        for item in _ITEM_PATTERN.finditer(value):
            quoted, plain, angled, bare = item.groups()
            if bare is not None:
                pairs.append(("", bare))
            elif quoted is not None:
                pairs.append((_QUOTED_PAIR.sub(r"\1", quoted), angled))
            else:
                pairs.append((" ".join((plain or "").split()), angled))
    return pairs


def _parse_date(raw: str) -> datetime:
    if (match := _DATE.fullmatch(raw.strip())) is not None:
        day, month, year, hour, minute, second, sign, tz_hours, tz_minutes = match.groups()
        offset = int(tz_hours) * 3600 + int(tz_minutes) * 60
        if offset < 86_400:  # else email.utils' timezone() refuses it: left to it below
            try:
                moment = datetime(int(year), _MONTHS[month.lower()], int(day), int(hour),
                                  int(minute), int(second), tzinfo=UTC)  # fmt: skip
                return moment - timedelta(seconds=offset if sign == "+" else -offset)
            except (ValueError, OverflowError):
                raise _Unreadable("Date", f"not a date: {raw[:100]!r}") from None
    try:
        moment = parsedate_to_datetime(raw)
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    except (TypeError, ValueError, IndexError, OverflowError):
        raise _Unreadable("Date", f"not a date: {raw[:100]!r}") from None


def _message_key(
    message_id: str | None, date_raw: str, from_raw: str, subject_raw: str | None
) -> str:
    if message_id:
        bracketed = _MESSAGE_ID.search(message_id)
        value = "".join((bracketed.group(1) if bracketed else message_id).split())
        if value:
            return value
    basis = f"{date_raw}|{from_raw}|{subject_raw or ''}".encode("utf-8", "surrogatepass")
    return "sha256:" + hashlib.sha256(basis).hexdigest()


def _body_text(raw: bytes) -> str | None:
    """The first text/plain part that is not an attachment (else the first text/html one), as
    text; None when there is none or it cannot be read (the message itself is kept). Parsed in
    the compat32 policy: policy.default's get_body gives the same text 3.5 times slower."""
    try:
        parts = [
            part
            for part in _BODY_PARSER.parsebytes(raw).walk()
            if part.get_content_maintype() == "text"
            and part.get_content_disposition() != "attachment"
        ]
        for subtype in ("plain", "html"):
            for part in parts:
                if part.get_content_subtype() == subtype:
                    return _decoded_payload(part)
    except Exception:  # the stdlib MIME code has crashes on hostile input (bad boundaries,
        # transfer encodings): losing the body must not lose the message
        return None
    return None


def _decoded_payload(part: Message) -> str | None:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return None
    try:
        text = payload.decode(part.get_content_charset() or "utf-8", "replace")
    except LookupError:  # an unknown charset
        text = payload.decode("utf-8", "replace")
    return text.replace("\r\n", "\n").strip() or None
