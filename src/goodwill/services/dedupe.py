"""Duplicates: likely pairs among the contacts you may see, dismissing them, merging two.

Candidates are found set-based: the visible contacts' names, emails, phones and
current organizations come in two queries, contacts are grouped in Python by
blocking keys, and only contacts sharing a key are scored — never all n² pairs.
A teammate's private contact is never loaded, so it can neither be suggested nor
shape a suggestion. Merging is never automatic: it is asked for, pair by pair.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    String,
    delete,
    insert,
    literal,
    select,
    union_all,
    update,
)
from sqlalchemy.orm import Session

from goodwill.domain.dedupe import DedupeProfile, likely_score, make_profile, score_pair
from goodwill.domain.dedupe_blocking import blocking_keys, describe_block
from goodwill.errors import Conflict, DatabaseUnavailable, GoodwillError, ValidationFailed
from goodwill.services import _common as common
from goodwill.services import _merge
from goodwill.services import contacts as contact_service
from goodwill.services._visibility import require_owner, visible
from goodwill.services.actor import Actor, utcnow
from goodwill.services.views import ContactDetail, PositionView, Ref
from goodwill.storage.schema import (
    Contact,
    ContactEmail,
    ContactPhone,
    DuplicateDismissal,
    DuplicateScan,
    Organization,
    Position,
    StoredDuplicate,
)
from goodwill.storage.unit_of_work import UnitOfWork

# A block larger than this (a common name) is split by the names' first letters; a part
# still larger (a switchboard shared by hundreds) is not compared, and said so. A block
# of a few active members among many passive ones counts by the pairs it makes.
MAX_BLOCK = 200
MAX_LIMIT = 10_000


@dataclass(frozen=True)
class DuplicateCandidate:
    a: Ref
    b: Ref
    score: int
    reasons: list[str]


@dataclass(frozen=True)
class DuplicateList:
    candidates: list[DuplicateCandidate]
    notes: list[str] = field(default_factory=list)  # groups too large to compare


@dataclass(frozen=True)
class Dismissal:
    a: Ref
    b: Ref


@dataclass(frozen=True)
class MergeCounts:
    """What moves from the other contact (records the actor may see)."""

    emails: int
    phones: int
    links: int
    tags: int
    positions: int
    interactions: int
    ledger_entries: int
    asks: int
    tasks: int
    notes: int
    discovery_answers: int = 0
    needs_offers: int = 0
    introductions: int = 0
    opportunities: int = 0


@dataclass(frozen=True)
class MergePreview:
    keep: Ref
    other: Ref
    display_name: str
    first_name: str | None
    last_name: str | None
    nickname: str | None
    emails: list[str]
    phones: list[str]
    links: list[str]
    tags: list[str]
    positions: list[PositionView]
    how_met: str | None
    met_on: date | None
    tier: str | None
    cadence_days: int | None
    birthday: str | None
    custom_fields: dict[str, Any]
    addresses: list[dict[str, Any]]
    moves: MergeCounts
    conflicts: list[str]


def list_duplicates(
    actor: Actor, uow: UnitOfWork, limit: int = 50, contact: int | str | None = None
) -> DuplicateList:
    """Likely duplicate pairs among the contacts the actor may see, best first.

    With `contact`, only pairs that include that contact. Pairs the actor dismissed
    do not come back.
    """
    with uow.read() as session:
        target = None if contact is None else common.resolve_contact(session, actor, contact)
        profiles = _profiles(session, actor)
        dismissed = {
            (a, b)
            for a, b in session.execute(
                select(DuplicateDismissal.contact_a_id, DuplicateDismissal.contact_b_id).where(
                    DuplicateDismissal.owner_id == actor.user_id
                )
            )
        }
        notes: list[str] = []
        if target is None:
            pairs: Iterable[tuple[int, int]] = _blocked_pairs(profiles.values(), notes)
        else:
            pairs = _pairs_with(profiles, target.id)
        scored = []
        for a, b in pairs:
            if (a, b) in dismissed:
                continue
            score = likely_score(profiles[a], profiles[b])
            if score is not None:
                scored.append((score, a, b))
        scored.sort(key=lambda s: (-s[0], s[1], s[2]))
        shown = [
            (score, a, b, score_pair(profiles[a], profiles[b])[1])
            for score, a, b in scored[: max(1, min(limit, MAX_LIMIT))]
        ]
        shown_ids = {i for _, a, b, _ in shown for i in (a, b)}
        names: dict[int, str] = dict(
            session.execute(
                select(Contact.id, Contact.display_name).where(Contact.id.in_(shown_ids))
            ).all()
        )
        return DuplicateList(
            [
                DuplicateCandidate(Ref(a, names[a]), Ref(b, names[b]), score, reasons)
                for score, a, b, reasons in shown
            ],
            notes,
        )


def _profiles(
    session: Session, actor: Actor, ids: Iterable[int] | None = None
) -> dict[int, DedupeProfile]:
    """Every visible contact's dedupe profile (or those of `ids` only), from two queries."""
    if ids is not None:
        return _some_profiles(session, actor, sorted(set(ids)))
    shown = visible(Contact, actor)
    people = session.execute(
        select(Contact.id, Contact.first_name, Contact.last_name, Contact.nickname).where(shown)
    ).all()
    attributes = union_all(
        select(ContactEmail.contact_id, literal("e", String), ContactEmail.email)
        .join(Contact, Contact.id == ContactEmail.contact_id)
        .where(shown),
        select(ContactPhone.contact_id, literal("p", String), ContactPhone.e164)
        .join(Contact, Contact.id == ContactPhone.contact_id)
        .where(shown),
        # Current positions at organizations the actor may see: a private
        # organization's name must not show through a reason.
        select(Position.contact_id, literal("o", String), Organization.name)
        .join(Organization, Organization.id == Position.organization_id)
        .join(Contact, Contact.id == Position.contact_id)
        .where(shown, Position.end_date.is_(None), visible(Organization, actor)),
    )
    return _made(people, session.execute(attributes))


def _some_profiles(session: Session, actor: Actor, ids: list[int]) -> dict[int, DedupeProfile]:
    """The profiles of those of `ids` the actor may see now, read by id: the visible
    ones first, then their emails, phones and current organizations by contact id (the
    workspace index would have SQLite walk the whole workspace)."""
    people = session.execute(
        select(Contact.id, Contact.first_name, Contact.last_name, Contact.nickname).where(
            Contact.id.in_(ids), visible(Contact, actor, workspace_index=False)
        )
    ).all()
    shown = [row[0] for row in people]
    if not shown:
        return {}
    attributes = [
        *session.execute(
            select(ContactEmail.contact_id, literal("e", String), ContactEmail.email).where(
                ContactEmail.contact_id.in_(shown)
            )
        ),
        *session.execute(
            select(ContactPhone.contact_id, literal("p", String), ContactPhone.e164).where(
                ContactPhone.contact_id.in_(shown)
            )
        ),
        *session.execute(
            select(Position.contact_id, literal("o", String), Organization.name)
            .join(Organization, Organization.id == Position.organization_id)
            .where(
                Position.contact_id.in_(shown),
                Position.end_date.is_(None),
                visible(Organization, actor, workspace_index=False),
            )
        ),
    ]
    return _made(people, attributes)


def _made(people: Iterable[Any], attributes: Iterable[Any]) -> dict[int, DedupeProfile]:
    values: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for contact_id, kind, value in attributes:
        values[contact_id][kind].append(value)
    profiles = {}
    for contact_id, first, last, nickname in people:
        got = values.get(contact_id, {})
        profiles[contact_id] = make_profile(
            contact_id,
            first,
            last,
            nickname,
            organizations=got.get("o", ()),
            emails=got.get("e", ()),
            phones=got.get("p", ()),
        )
    return profiles


Member = tuple[int, str, bool]  # contact id, subkey, active


def _pair_count(group: list[Member]) -> int:
    active = sum(1 for _, _, is_active in group if is_active)
    if active == len(group):
        return active * (active - 1) // 2
    return active * (len(group) - 1)


def _blocked_pairs(profiles: Iterable[DedupeProfile], notes: list[str]) -> set[tuple[int, int]]:
    blocks: dict[str, list[Member]] = defaultdict(list)
    for profile in profiles:
        for block in blocking_keys(profile):
            blocks[block.key].append((profile.id, block.subkey, block.active))
    most = MAX_BLOCK * (MAX_BLOCK - 1) // 2
    pairs: set[tuple[int, int]] = set()
    for key, members in blocks.items():
        if _pair_count(members) == 0:
            continue
        groups = [members]
        if _pair_count(members) > most:
            split: dict[str, list[Member]] = defaultdict(list)
            for member in members:
                split[member[1]].append(member)
            groups = list(split.values())
        for group in groups:
            if _pair_count(group) > most:
                sub = f", those starting '{group[0][1]}'" if group[0][1] else ""
                notes.append(
                    f"{len(group)} contacts share the {describe_block(key)}{sub}: "
                    "not compared with each other"
                )
                continue
            ids = sorted(cid for cid, _, _ in group)
            active = [cid for cid, _, is_active in group if is_active]
            if len(active) == len(ids):
                pairs.update(itertools.combinations(ids, 2))
            else:
                pairs.update((min(a, b), max(a, b)) for a in active for b in ids if a != b)
    return pairs


def _pairs_with(profiles: dict[int, DedupeProfile], target: int) -> set[tuple[int, int]]:
    """One contact against everyone sharing a key with it (no block is too large for one)."""
    keys = {k.key: k.active for k in blocking_keys(profiles[target])}
    return {
        (min(target, p.id), max(target, p.id))
        for p in profiles.values()
        if p.id != target
        and any(k.key in keys and (k.active or keys[k.key]) for k in blocking_keys(p))
    }


def dismiss_duplicate(actor: Actor, uow: UnitOfWork, a: int | str, b: int | str) -> Dismissal:
    """Say two contacts are different people: the pair is not suggested to you again."""
    with uow.write() as session:
        first, second = _two(session, actor, a, b, "dismiss")
        low, high = sorted((first.id, second.id))
        exists = session.scalar(
            select(DuplicateDismissal.id).where(
                DuplicateDismissal.owner_id == actor.user_id,
                DuplicateDismissal.contact_a_id == low,
                DuplicateDismissal.contact_b_id == high,
            )
        )
        if exists is None:
            session.add(
                DuplicateDismissal(owner_id=actor.user_id, contact_a_id=low, contact_b_id=high)
            )
        return Dismissal(Ref(first.id, first.display_name), Ref(second.id, second.display_name))


def _two(
    session: Session, actor: Actor, a: int | str, b: int | str, action: str
) -> tuple[Contact, Contact]:
    first = common.resolve_contact(session, actor, a)
    second = common.resolve_contact(session, actor, b)
    if first.id == second.id:
        raise ValidationFailed(action, f"both refer to #{first.id}: give two different contacts")
    return first, second


def preview_merge(actor: Actor, uow: UnitOfWork, keep: int | str, other: int | str) -> MergePreview:
    """What `merge_contacts` would make of the two, without changing anything."""
    with uow.read() as session:
        kept, merged = _two(session, actor, keep, other, "merge")
        require_owner(merged, actor, "merge")
        plan = _merge.plan_merge(session, actor, kept, merged)
        f = plan.fields
        birthday = None
        if f.birthday_month and f.birthday_day:
            birthday = f"{f.birthday_month:02d}-{f.birthday_day:02d}"
            birthday = f"{f.birthday_year:04d}-{birthday}" if f.birthday_year else f"--{birthday}"
        return MergePreview(
            keep=Ref(kept.id, kept.display_name),
            other=Ref(merged.id, merged.display_name),
            display_name=plan.display_name,
            first_name=f.first_name,
            last_name=f.last_name,
            nickname=f.nickname,
            emails=plan.emails,
            phones=plan.phones,
            links=plan.links,
            tags=plan.tags,
            positions=plan.positions,
            how_met=f.how_met,
            met_on=f.met_on,
            tier=f.tier,
            cadence_days=f.cadence_days,
            birthday=birthday,
            custom_fields=f.custom_fields,
            addresses=f.addresses,
            moves=MergeCounts(**plan.counts),
            conflicts=plan.conflicts,
        )


def merge_contacts(
    actor: Actor, uow: UnitOfWork, keep: int | str, other: int | str
) -> ContactDetail:
    """Merge `other` into `keep` in one transaction, and delete `other` for good.

    Everything of `other` moves (emails, phones, links, tags, positions, interactions,
    ledger entries, asks, tasks, notes, import keys and history); keep's values win
    and fill their gaps from other's; the merge is recorded. Both must be visible;
    merging away `other` takes its owner or a workspace admin.
    """
    with uow.write() as session:
        kept, merged = _two(session, actor, keep, other, "merge")
        require_owner(merged, actor, "merge")
        plan = _merge.plan_merge(session, actor, kept, merged)
        _merge.execute_merge(session, actor, kept, merged, plan)
        return contact_service._detail(session, actor, kept)


# -- Stored candidates: a scan in the background, pages of its pairs re-scored ---------
#
# Finding pairs takes every visible contact's profile (a minute at 100k contacts), so a
# page cannot do it: `scan_duplicates` stores the likely pairs of a full scan, per user
# and workspace, and `stored_duplicates` shows a keyset page of them, best first,
# re-scoring only that page's pairs with the current data. A pair whose contacts are
# gone, merged, no longer visible to the actor or dismissed, or that no longer scores as
# likely, is not shown. Visibility is checked when the page is read, not only when the
# scan ran: a contact made private since is not shown to a teammate.
#
# The web pages run a scan in a process of its own (web.scan_jobs: a minute of CPU in a
# server's process would slow every page it serves), so its progress lives in its row,
# where any server process reads it, with a heartbeat that tells a dead scan from a slow one.

log = logging.getLogger(__name__)
STORED_MAX_LIMIT = 200
# A page re-scores at most this many batches of stored pairs (a batch being one page's
# worth) before it answers with what it found and a cursor to go on from.
MAX_BATCHES = 5
# A running scan writes its progress to its row every few seconds, in a short write of
# its own (so any server process shows it, and it says the scan is alive). One silent
# for this long died with its process: it shows as failed and a new one may start.
STALE_HEARTBEAT = timedelta(minutes=5)
PROGRESS_SECONDS = 3.0
SCAN_PROGRESS_EVERY = 20_000  # pairs scored between two looks at the clock
SCAN_INSERT_BATCH = 5_000
STOPPED = (
    "the scan stopped without finishing (nothing was heard from it for "
    f"{STALE_HEARTBEAT.seconds // 60} minutes)"
)
NOT_STARTED = "the scan could not be started: the server could not start its process"

ScanProgress = Callable[[str, int, int], None]  # stage, done, total
# Runs `run_scan(actor, uow)` somewhere: the web pages' launcher starts a process of its
# own (web.scan_jobs); `run_scan` itself is the launcher that runs it here and now.
ScanLauncher = Callable[[Actor, UnitOfWork], None]
PairKey = tuple[int, int, int]  # score, contact a, contact b: the page order, descending


class ScanReplaced(Conflict):
    """The running scan is no longer this one: it fell silent for so long that it was
    taken for dead and a new scan started (or it was marked failed)."""


@dataclass(frozen=True)
class ScanState:
    status: str  # never | running | done | failed
    started_at: datetime | None
    scanned_at: datetime | None  # when the stored pairs were found
    pairs: int  # how many the last scan stored
    notes: list[str]  # groups too large to compare, in the last scan
    failure: str | None = None
    scored: tuple[int, int] | None = None  # pairs scored, of how many (while running)

    @property
    def running(self) -> bool:
        return self.status == "running"


NEVER_SCANNED = ScanState("never", None, None, 0, [])


@dataclass(frozen=True)
class ScanResult:
    pairs: int  # likely pairs stored
    compared: int  # candidate pairs scored
    contacts: int  # contacts looked at
    notes: list[str]
    scanned_at: datetime


@dataclass(frozen=True)
class StoredPage:
    scan: ScanState
    candidates: list[DuplicateCandidate]
    after: PairKey | None  # where the next page starts; None: this is the last


def _scan_row(session: Session, actor: Actor, *, lock: bool = False) -> DuplicateScan | None:
    query = select(DuplicateScan).where(
        DuplicateScan.owner_id == actor.user_id,
        DuplicateScan.workspace_id == actor.workspace_id,
    )
    return session.scalar(query.with_for_update() if lock else query)


def _running(row: DuplicateScan) -> bool:
    heard = row.heartbeat_at or row.started_at
    return row.status == "running" and heard > utcnow() - STALE_HEARTBEAT


def _state(row: DuplicateScan | None) -> ScanState:
    if row is None:
        return NEVER_SCANNED
    status, failure, scored = row.status, row.failure, None
    if status == "running":
        if not _running(row):
            status, failure = "failed", STOPPED
        elif row.to_score is not None:
            scored = (row.scored or 0, row.to_score)
    return ScanState(
        status, row.started_at, row.scanned_at, row.pairs, list(row.notes or []), failure, scored
    )


def scan_state(actor: Actor, uow: UnitOfWork) -> ScanState:
    """The actor's duplicate scan in this workspace: running or not (and how far, from
    whichever process runs it), and the last one."""
    with uow.read() as session:
        return _state(_scan_row(session, actor))


def start_scan(actor: Actor, uow: UnitOfWork) -> bool:
    """Mark a scan as running for the actor, to run it next (`run_scan`, in the
    background); False when one is already running (nothing to start)."""
    with uow.write() as session:
        row = _scan_row(session, actor, lock=True)
        if row is not None and _running(row):
            return False
        now = utcnow()
        if row is None:
            row = DuplicateScan(
                owner_id=actor.user_id,
                workspace_id=actor.workspace_id,
                status="running",
                started_at=now,
                pairs=0,
                notes=[],
            )
            session.add(row)
        else:
            row.status, row.started_at, row.failure = "running", now, None
        row.heartbeat_at, row.scored, row.to_score = now, None, None
        return True


def start_background_scan(actor: Actor, uow: UnitOfWork, launch: ScanLauncher) -> bool:
    """`start_scan`, then `launch` has `run_scan` run elsewhere (the web pages: in a
    process of its own); False when a scan is already running. A launch that fails
    marks the scan failed at once, so it never shows as running."""
    if not start_scan(actor, uow):
        return False
    try:
        launch(actor, uow)
    except Exception:
        log.exception("the duplicate scan of user #%s could not be started", actor.user_id)
        run_failed(actor, uow, NOT_STARTED)
    return True


def run_scan(actor: Actor, uow: UnitOfWork) -> None:
    """`scan_duplicates` as a background job: never raises; a scan that fails is marked
    failed, with the reason, and the pairs of the previous scan stay."""
    failure: str | None = None
    try:
        scan_duplicates(actor, uow)
    except ScanReplaced:
        log.warning("a duplicate scan of user #%s was replaced by a newer one", actor.user_id)
    except GoodwillError as exc:
        failure = exc.message
    except Exception:  # a bug must not leave the scan "running" for ever
        log.exception("duplicate scan of user #%s stopped", actor.user_id)
        failure = "the scan stopped on an unexpected error"
    if failure is not None:
        run_failed(actor, uow, failure)


def run_failed(actor: Actor, uow: UnitOfWork, failure: str) -> None:
    """Mark the actor's running scan failed, with why (its stored pairs stay)."""
    with uow.write() as session:
        row = _scan_row(session, actor, lock=True)
        if row is not None and row.status == "running":
            row.status, row.failure = "failed", failure[:500]


class _Progress:
    """A running scan's progress, written to its row at most every PROGRESS_SECONDS in
    a short write transaction of its own (never one per pair). `run` is when the scan
    started: a row that no longer runs that scan means it was replaced."""

    def __init__(self, actor: Actor, uow: UnitOfWork, run: datetime | None) -> None:
        self.actor, self.uow, self.run = actor, uow, run
        self.written = time.monotonic()

    def __call__(self, done: int, total: int, *, now: bool = False) -> None:
        if self.run is None or (not now and time.monotonic() - self.written < PROGRESS_SECONDS):
            return
        try:
            with self.uow.write() as session:
                result = session.execute(
                    update(DuplicateScan)
                    .where(
                        DuplicateScan.owner_id == self.actor.user_id,
                        DuplicateScan.workspace_id == self.actor.workspace_id,
                        DuplicateScan.status == "running",
                        DuplicateScan.started_at == self.run,
                    )
                    .values(scored=done, to_score=total, heartbeat_at=utcnow())
                )
                if isinstance(result, CursorResult) and result.rowcount == 0:
                    raise ScanReplaced("a newer duplicate scan replaced this one")
        except DatabaseUnavailable as exc:  # busy past the timeout: the next one will do
            log.warning("duplicate scan progress not written: %s", exc.message)
        self.written = time.monotonic()


def scan_duplicates(
    actor: Actor, uow: UnitOfWork, progress: ScanProgress | None = None
) -> ScanResult:
    """Find every likely duplicate pair among the contacts the actor may see, with the
    blocking and scoring `list_duplicates` uses, and store them in place of the actor's
    pairs of the last scan.

    The pairs are found from one read snapshot, then replaced in one short write
    transaction: a long scan holds no write lock (SQLite has one for the whole file).
    Pairs the actor dismissed are not stored. When the actor's scan is marked running
    (`start_scan`), its progress goes to its row every few seconds; a scan replaced
    meanwhile by a newer one raises ScanReplaced and stores nothing."""
    with uow.read() as session:
        row = _scan_row(session, actor)
        beat = _Progress(actor, uow, row.started_at if row is not None and _running(row) else None)
        profiles = _profiles(session, actor)
        dismissed = _dismissed(session, actor, None)
        notes: list[str] = []
        # Not sorted: one sort of 1.6M pairs is a second and more in one C call, with
        # the GIL held against every other request of the process.
        pairs = _blocked_pairs(profiles.values(), notes)
    total = len(pairs)
    beat(0, total, now=True)
    if progress is not None:
        progress("scoring", 0, total)
    found: list[tuple[int, int, int, list[str]]] = []
    for done, (a, b) in enumerate(pairs, 1):
        if (a, b) not in dismissed:
            score = likely_score(profiles[a], profiles[b])
            if score is not None:
                found.append((a, b, score, score_pair(profiles[a], profiles[b])[1]))
        if done % SCAN_PROGRESS_EVERY == 0:
            beat(done, total)
            if progress is not None:
                progress("scoring", done, total)
    now = utcnow()
    with uow.write() as session:
        row = _scan_row(session, actor, lock=True)
        if beat.run is not None and (
            row is None or row.status != "running" or row.started_at != beat.run
        ):
            raise ScanReplaced("a newer duplicate scan replaced this one")
        session.execute(delete(StoredDuplicate).where(*_mine(actor)))
        for start in range(0, len(found), SCAN_INSERT_BATCH):
            session.execute(
                insert(StoredDuplicate),
                [
                    {
                        "owner_id": actor.user_id,
                        "workspace_id": actor.workspace_id,
                        "contact_a_id": a,
                        "contact_b_id": b,
                        "score": score,
                        "reasons": reasons,
                        "scanned_at": now,
                    }
                    for a, b, score, reasons in found[start : start + SCAN_INSERT_BATCH]
                ],
            )
        if row is None:
            row = DuplicateScan(
                owner_id=actor.user_id, workspace_id=actor.workspace_id, started_at=now
            )
            session.add(row)
        row.status, row.scanned_at, row.failure = "done", now, None
        row.pairs, row.notes = len(found), notes
        row.scored, row.to_score, row.heartbeat_at = total, total, now
    if progress is not None:
        progress("done", total, total)
    return ScanResult(len(found), total, len(profiles), notes, now)


def _mine(actor: Actor) -> tuple[ColumnElement[bool], ...]:
    return (
        StoredDuplicate.owner_id == actor.user_id,
        StoredDuplicate.workspace_id == actor.workspace_id,
    )


def _dismissed(session: Session, actor: Actor, ids: list[int] | None) -> set[tuple[int, int]]:
    query = select(DuplicateDismissal.contact_a_id, DuplicateDismissal.contact_b_id).where(
        DuplicateDismissal.owner_id == actor.user_id
    )
    if ids is not None:
        query = query.where(DuplicateDismissal.contact_a_id.in_(ids))
    return {(a, b) for a, b in session.execute(query)}


_ORDER = (
    StoredDuplicate.score.desc(),
    StoredDuplicate.contact_a_id.desc(),
    StoredDuplicate.contact_b_id.desc(),
)


def _stored_after(
    session: Session, actor: Actor, key: PairKey | None, n: int
) -> list[tuple[int, int, int]]:
    """Up to `n` of the actor's stored pairs after `key` in the page order (score, a, b,
    all descending), as (score, a, b).

    Asked as up to three seeks on the index (the rest of a's pairs at this score, the
    rest of this score, the lower scores): SQLite seeks on neither the OR form nor a row
    value, and scores tie by the thousand (a page deep in a tie would read the tie)."""
    columns = (StoredDuplicate.score, StoredDuplicate.contact_a_id, StoredDuplicate.contact_b_id)
    if key is None:
        parts: list[tuple[ColumnElement[bool], ...]] = [()]
    else:
        score, a, b = key
        parts = [
            (
                StoredDuplicate.score == score,
                StoredDuplicate.contact_a_id == a,
                StoredDuplicate.contact_b_id < b,
            ),
            (StoredDuplicate.score == score, StoredDuplicate.contact_a_id < a),
            (StoredDuplicate.score < score,),
        ]
    rows: list[tuple[int, int, int]] = []
    for where in parts:
        if len(rows) >= n:
            break
        found = session.execute(
            select(*columns).where(*_mine(actor), *where).order_by(*_ORDER).limit(n - len(rows))
        ).all()
        rows += [(score, a, b) for score, a, b in found]
    return rows


def stored_duplicates(
    actor: Actor, uow: UnitOfWork, limit: int = 50, after: PairKey | None = None
) -> StoredPage:
    """A page of the pairs the actor's last scan stored, best first, from `after` on;
    each re-scored with the current data (only this page's contacts are read), and
    left out when a contact is gone or no longer visible, the pair was dismissed, or it
    no longer scores as likely."""
    limit = max(1, min(limit, STORED_MAX_LIMIT))
    with uow.read() as session:
        scan = _state(_scan_row(session, actor))
        shown: list[tuple[int, int, int, list[str]]] = []
        key = after
        more = True
        for _ in range(MAX_BATCHES):
            rows = _stored_after(session, actor, key, limit)
            ids = sorted({i for _, a, b in rows for i in (a, b)})
            profiles = _profiles(session, actor, ids) if ids else {}
            dismissed = _dismissed(session, actor, ids) if ids else set()
            for stored, a, b in rows:
                key = (stored, a, b)
                if a not in profiles or b not in profiles or (a, b) in dismissed:
                    continue
                score = likely_score(profiles[a], profiles[b])
                if score is not None:
                    shown.append((score, a, b, score_pair(profiles[a], profiles[b])[1]))
                    if len(shown) == limit:
                        break
            if len(rows) < limit and (not rows or key == rows[-1]):
                more = False  # the last stored pair was looked at
                break
            if len(shown) == limit:
                break
        if more and key is not None and len(shown) == limit:
            more = bool(_stored_after(session, actor, key, 1))
        names: dict[int, str] = dict(
            session.execute(
                select(Contact.id, Contact.display_name).where(
                    Contact.id.in_({i for _, a, b, _ in shown for i in (a, b)})
                )
            ).all()
        )
    return StoredPage(
        scan,
        [
            DuplicateCandidate(Ref(a, names[a]), Ref(b, names[b]), score, reasons)
            for score, a, b, reasons in shown
        ],
        key if more else None,
    )
