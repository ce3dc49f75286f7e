"""What `goodwill import` and `goodwill import list` report about a run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from goodwill.storage.schema import Import

COUNT_KEYS = ("read", "created", "updated", "unchanged", "skipped", "suppressed", "failed")


@dataclass(frozen=True)
class ImportSummary:
    id: int
    format: str
    source: str
    status: str
    counts: dict[str, int]
    started_at: datetime
    finished_at: datetime | None


def summary_of(run: Import) -> ImportSummary:
    return ImportSummary(
        run.id, run.format, run.source_name, run.status,
        {k: int(run.counts.get(k, 0)) for k in COUNT_KEYS}, run.started_at, run.finished_at,
    )  # fmt: skip
