"""An email message as the importer writes it: one flat tuple of plain values.

The parser worker (`_import_pipeline`) hands messages over as these tuples rather than
`ImportedMessage` objects: unpickling a dataclass with its Location and Correspondents
costs 25–38 µs a message, a flat tuple 1.3–2.7 µs (bench/README.md, "Imports"). The
importing process reads them as they come, never building an object per message.
What only the writer needs is done in the worker already: the key cut to its column,
the subject as a summary.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime

from goodwill.domain.text import SUMMARY_MAX
from goodwill.importers.records import ImportedMessage, Location

KEY_MAX = 500  # interactions.external_key

# file, record, line, key, occurred_at (aware), sender email, sender name,
# recipients ((email, name), ...), summary, bulk, no_reply, body
WireMessage = tuple[
    str,
    int,
    int | None,
    str,
    datetime,
    str,
    str | None,
    tuple[tuple[str, str | None], ...],
    str | None,
    bool,
    bool,
    str | None,
]


def summary_text(value: str | None, limit: int = SUMMARY_MAX) -> str | None:
    """A subject or event title as a summary: control characters dropped, cut to size."""
    if value is None:
        return None
    kept = (
        value.strip()
        if value.isprintable()
        else "".join(
            ch if ch in "\n\t" or unicodedata.category(ch) != "Cc" else " " for ch in value
        ).strip()
    )
    if len(kept) > limit:
        kept = kept[: limit - 1] + "…"
    return kept or None


def message_wire(message: ImportedMessage) -> WireMessage:
    where = message.location
    return (
        where.file, where.record, where.line, message.key[:KEY_MAX], message.occurred_at,
        message.sender.email, message.sender.name,
        tuple((p.email, p.name) for p in message.recipients),
        summary_text(message.subject), message.bulk, message.no_reply, message.body,
    )  # fmt: skip


def wire_location(message: WireMessage) -> Location:
    return Location(message[0], message[1], message[2])
