"""What `goodwill import`, `import list` and `import undo` report about a run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from goodwill.storage.schema import Import

COUNT_KEYS = ("read", "created", "updated", "unchanged", "skipped", "suppressed", "failed")


@dataclass(frozen=True)
class UndoReport:
    """What an undo did, and what it left because the user has built on it since.

    `removed` counts rows per table (contacts, contact_emails, positions, …), the
    rows that went with a removed contact included. `kept_because` counts kept
    contacts per reason: the table of the user's rows on them (notes, interactions,
    positions, tasks, ledger_entries, asks), or "merges" when another contact was
    merged into them; one contact may count under several reasons.
    """

    removed: dict[str, int]
    reverted: int  # fields put back to what they held before the import
    left_changed: int  # fields changed since the import: left as they are
    kept_contacts: int
    kept_because: dict[str, int]
    kept_contact_ids: list[int]
    kept_organizations: int  # created by the import, still in use
    gone_contacts: int  # created by the import, no longer there (merged away, forgotten)


@dataclass(frozen=True)
class ImportSummary:
    id: int
    format: str
    source: str
    status: str
    counts: dict[str, int]
    started_at: datetime
    finished_at: datetime | None
    undo: UndoReport | None = None  # set by `import undo` only


def summary_of(run: Import, undo: UndoReport | None = None) -> ImportSummary:
    return ImportSummary(
        run.id, run.format, run.source_name, run.status,
        {k: int(run.counts.get(k, 0)) for k in COUNT_KEYS}, run.started_at, run.finished_at,
        undo,
    )  # fmt: skip
