"""vCard 2.1, 3.0 and 4.0: one file of many cards, or a folder of .vcf files.

The byte stream is cut into cards here, one at a time (CR, LF or CRLF line ends,
folded lines, 2.1 quoted-printable soft breaks), and each card is decoded on its
own: UTF-8, else the CHARSET it names, else cp1252/latin-1. Each unfolded line is
then read with vobject's parameter parser and ``ContentLine``, which decodes 2.1
quoted-printable with its CHARSET. ``vobject.readComponents`` itself is not used:
with its native transform it keeps only the text before the first unescaped comma
of NOTE, TEL or EMAIL ("Met at PyCon, 2019" becomes "Met at PyCon"), and its line
regex backtracks exponentially on a malformed line with many parameters (a
120-character line hangs it). The line grammar below accepts exactly what
vobject's does, in linear time.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, NamedTuple

from vobject.base import ContentLine, VObjectError, parseParams

from goodwill.errors import ImportFailed
from goodwill.importers.records import Location, ParseResult, RecordError
from goodwill.importers.vcard_fields import Property, contact_from_properties

HEAD_BYTES = 64 * 1024
CARD_LIMIT = 64 * 1024 * 1024  # a card with photos is a few MB; beyond this it never ended
SUFFIXES = frozenset({".vcf", ".vcard"})

_EOL = re.compile(rb"\r\n|\r|\n")
_BEGIN_LINE = re.compile(
    rb"(?:\A(?:\xef\xbb\xbf)?|[\r\n])[ \t]*BEGIN:VCARD[ \t]*(?:[\r\n]|\Z)", re.IGNORECASE
)
_ASCII_PROBE = b"BEGIN:VCARD\r\n;:=,"
_CHARSET = re.compile(rb";CHARSET=\"?([A-Za-z0-9_.:-]{1,40})", re.IGNORECASE)
_NAME = r"[A-Za-z0-9_-]++"
_PARAM_VALUE = r'(?:"[^"]*+"|[^";:,]*+)'
_LINE = re.compile(
    rf"(?:({_NAME})\.)?({_NAME})(;?(?:;{_NAME}(?:[=,]{_PARAM_VALUE})*+)*+):(.*)", re.DOTALL
)


class _Broken(NamedTuple):
    line: int
    reason: str


def sniff_vcard(head: bytes) -> bool:
    """Whether a file starts (after a BOM and blank lines) with BEGIN:VCARD."""
    for raw in _EOL.split(head.removeprefix(codecs.BOM_UTF8), maxsplit=64):
        line = raw.strip(b" \t")
        if line:
            return line.upper() == b"BEGIN:VCARD"
    return False


def parse_vcard(path: Path) -> Iterator[ParseResult]:
    """Stream the cards of a .vcf file, or of every .vcf file in a folder (by name)."""
    if path.is_dir():
        files = sorted(
            (p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES),
            key=lambda p: p.name,
        )
        if not files:
            raise ImportFailed(f"{path.name}: no .vcf files in this folder")
        for file in files:
            yield from _parse_file(file, in_folder=True)
    else:
        yield from _parse_file(path, in_folder=False)


def parse_vcard_bytes(data: bytes, name: str = "card.vcf") -> list[ParseResult]:
    """The cards of an in-memory body (a CardDAV PUT), each a contact or a RecordError."""
    results: list[ParseResult] = []
    for number, card in enumerate(_cut_cards(_physical_lines(io.BytesIO(data))), start=1):
        if isinstance(card, _Broken):
            results.append(RecordError(Location(name, number, card.line), None, card.reason))
        else:
            start, lines = card
            results.append(_read_card(lines, Location(name, number, start)))
    return results


def _parse_file(path: Path, *, in_folder: bool) -> Iterator[ParseResult]:
    try:
        stream = path.open("rb")
    except OSError as exc:
        raise ImportFailed(f"{path.name}: cannot read the file ({exc.strerror or exc})") from exc
    with stream:
        if not _BEGIN_LINE.search(stream.read(HEAD_BYTES)):
            reason = "not a vCard file (no BEGIN:VCARD in its first 64 KiB)"
            if not in_folder:
                raise ImportFailed(f"{path.name}: {reason}")
            yield RecordError(Location(path.name, 1), None, reason)  # the folder goes on
            return
        stream.seek(0)
        for number, card in enumerate(_cut_cards(_physical_lines(stream)), start=1):
            if isinstance(card, _Broken):
                yield RecordError(Location(path.name, number, card.line), None, card.reason)
            else:
                start, lines = card
                yield _read_card(lines, Location(path.name, number, start))


def _physical_lines(stream: BinaryIO) -> Iterator[bytes]:
    """Lines split on CRLF, CR or LF, read in 64 KiB chunks; a leading BOM dropped."""
    held = b""
    first = True
    while chunk := stream.read(HEAD_BYTES):
        if first:
            chunk, first = chunk.removeprefix(codecs.BOM_UTF8), False
        data = held + chunk
        tail = b""
        if data.endswith(b"\r"):  # the \n of a CRLF may open the next chunk
            data, tail = data[:-1], b"\r"
        lines = _EOL.split(data)
        held = lines.pop() + tail
        yield from lines
    if held:
        yield _EOL.split(held)[0]


def _cut_cards(lines: Iterable[bytes]) -> Iterator[tuple[int, list[bytes]] | _Broken]:
    """(first line number, lines) per BEGIN:VCARD ... END:VCARD, or what broke a card."""
    card: list[bytes] | None = None
    start = size = 0
    skipping = False  # inside a card too large to keep
    for number, line in enumerate(lines, start=1):
        if line[:1] not in (b" ", b"\t"):
            marker = line.strip(b" \t\xef\xbb\xbf").upper()  # BOMs of concatenated files
            if marker == b"BEGIN:VCARD":
                if card is not None:
                    yield _Broken(start, f"no END:VCARD before the next card at line {number}")
                card, start, size, skipping = [line], number, len(line), False
                continue
            if marker == b"END:VCARD":
                if card is not None:
                    card.append(line)
                    yield start, card
                elif not skipping:
                    yield _Broken(number, "END:VCARD without a BEGIN:VCARD before it")
                card, skipping = None, False
                continue
        if card is not None:
            size += len(line)
            if size > CARD_LIMIT:
                yield _Broken(start, f"card larger than {CARD_LIMIT // 2**20} MiB")
                card, skipping = None, True
            else:
                card.append(line)
    if card is not None:
        yield _Broken(start, "no END:VCARD before the end of the file")


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    match = _CHARSET.search(data)
    if match:
        try:
            name = match.group(1).decode("ascii")
            if _ASCII_PROBE.decode(name) == _ASCII_PROBE.decode("ascii"):  # not UTF-16, EBCDIC
                return data.decode(name)
        except (LookupError, UnicodeError):
            pass
    try:
        return data.decode("cp1252")  # latin-1 with the printable 0x80-0x9F (€, ’)
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _logical_lines(lines: list[str], first: int) -> Iterator[tuple[int, str]]:
    """Unfold: a line starting with a space or tab continues the one before; a
    quoted-printable line ending in '=' continues on the next line (soft break)."""
    current: list[str] = []
    start = first
    soft_break = False
    for number, line in enumerate(lines, start=first):
        if soft_break and current:
            current[-1] = current[-1][:-1]  # drop the '=' of the soft break
            current.append(line)
        elif line[:1] in (" ", "\t") and current:
            current.append(line[1:])
        elif line.strip():
            if current:
                yield start, "".join(current)
            current, start = [line], number
        else:
            if current:  # a blank line ends a 2.1 base64 block
                yield start, "".join(current)
            current = []
        soft_break = bool(current) and current[-1].endswith("=") and _is_qp("".join(current))
    if current:
        yield start, "".join(current)


def _is_qp(line: str) -> bool:
    return "QUOTED-PRINTABLE" in line.partition(":")[0].upper()


def _property(text: str, number: int) -> Property:
    match = _LINE.fullmatch(text)
    if match is None:
        raise ValueError(f"line {number}: not a vCard property: {text[:60]!r}")
    group, name, params, value = match.groups()
    name = name.replace("_", "-").upper()  # '_' for '-': Lotus Notes, as vobject reads it
    parsed: list[list[str]] = parseParams(params)
    table: dict[str, list[str]] = {}
    singles: list[str] = []
    if "QUOTED-PRINTABLE" in params.upper():
        # vobject's ContentLine decodes quoted-printable with the line's CHARSET; it
        # costs two thirds of the parse, so plain lines are tabled here the same way.
        try:
            line = ContentLine(name, parsed, value, group, encoded=True)
        except (VObjectError, LookupError, TypeError, ValueError) as exc:
            raise ValueError(f"line {number}: cannot decode {name}: {exc}") from exc
        table, singles, value = line.params, line.singletonparams, line.value
    else:
        for item in parsed:
            if len(item) == 1:
                singles.append(item[0])
            else:
                table.setdefault(item[0].upper(), []).extend(item[1:])
    raw = text.strip()
    encodings = {e.upper() for e in table.get("ENCODING", ())}
    if encodings & {"B", "BASE64"} or "BASE64" in singles:
        # 2.1 indents base64 continuation lines; the data itself has no spaces.
        raw = text[: match.start(4)] + "".join(value.split())
    return Property(group.lower() if group else None, name, table, singles, value, raw)


def _read_card(lines: list[bytes], location: Location) -> ParseResult:
    text_lines = _decode(b"\n".join(lines)).split("\n")
    try:
        props = [
            _property(text, number)
            for number, text in _logical_lines(text_lines[1:-1], (location.line or 0) + 1)
        ]
    except ValueError as exc:
        return RecordError(location, None, str(exc))
    return contact_from_properties(props, location)
