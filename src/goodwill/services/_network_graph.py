"""The who-knows-whom graph around a few contacts, derived at query time (for warm paths).

Nothing loads the whole graph: each call asks the indexes for the edges of a set of
contacts (recorded relations, overlapping positions, shared interactions,
introductions) and keeps, per pair, the strongest strength and every reason.
Only rows the actor may see make an edge.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Float,
    Integer,
    String,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal_column,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from goodwill.domain.ledger import LedgerKind
from goodwill.domain.people import Visibility
from goodwill.services._visibility import visible
from goodwill.services.actor import Actor
from goodwill.storage.schema import (
    Contact,
    ContactRelation,
    ContactTouch,
    Interaction,
    InteractionParticipant,
    LedgerEntry,
    Membership,
    Organization,
    Position,
    User,
)

CHUNK = 5_000
RECORDED_DEFAULT = 0.5
POSITION_STRENGTH = 0.3
INTRODUCTION_STRENGTH = 0.7
SHARED_INTERACTIONS_CAP = 0.6
# A message to more people than this says nothing about its recipients knowing each other.
MAX_SHARED_RECIPIENTS = 25


@dataclass
class Edge:
    strength: float = 0.0
    reasons: list[str] = field(default_factory=list)

    def add(self, strength: float, reason: str) -> None:
        self.strength = max(self.strength, strength)
        if reason not in self.reasons:
            self.reasons.append(reason)


Adjacency = dict[int, dict[int, Edge]]
Touch = tuple[int, str]  # owner id, visibility of a touch aggregate


@dataclass(frozen=True)
class Node:
    id: int
    name: str
    owner_id: int
    seen: bool  # the actor may see this contact (else it is shown redacted)


def chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    unique = sorted(set(ids))
    for start in range(0, len(unique), CHUNK):
        yield unique[start : start + CHUNK]


def _shared_strength(count: int) -> float:
    return (1 - 0.5**count) * SHARED_INTERACTIONS_CAP


def _seen(actor: Actor, workspace_id: int, owner_id: int, visibility: str) -> bool:
    return workspace_id == actor.workspace_id and (
        owner_id == actor.user_id or visibility == Visibility.WORKSPACE.value
    )


IDS: Any = bindparam("ids", expanding=True)


@dataclass(frozen=True)
class _Queries:
    """The statements of one actor, built once: building SQLAlchemy statements costs
    more than running these small indexed queries."""

    edges: Any  # select statements
    nodes: Any
    touches: Any


def _none(kind: Any) -> Any:
    return cast(null(), kind)


@lru_cache(maxsize=64)
def _queries(actor: Actor) -> _Queries:
    """One statement for the four edge sources, with the same columns each: u, v, source,
    strength, then the workspace, owner and visibility to check and a label."""
    r = ContactRelation
    # Relations: visibility checked on the fetched rows; a workspace filter in SQL
    # makes SQLite walk the workspace index instead of the contact one.
    relations = [
        select(own, other, literal_column("'r'"), r.strength, r.workspace_id, r.owner_id,
               r.visibility, _none(String)).where(own.in_(IDS))
        for own, other in ((r.contact_a_id, r.contact_b_id), (r.contact_b_id, r.contact_a_id))
    ]  # fmt: skip
    p1, p2 = aliased(Position), aliased(Position)
    c1, c2 = aliased(Contact), aliased(Contact)
    # Both there now, or both dated and overlapping: an undated past says nothing.
    overlap = or_(
        and_(p1.end_date.is_(None), p2.end_date.is_(None)),
        and_(
            p1.start_date.is_not(None),
            p2.start_date.is_not(None),
            or_(p2.end_date.is_(None), p1.start_date <= p2.end_date),
            or_(p1.end_date.is_(None), p2.start_date <= p1.end_date),
        ),
    )
    org = Organization
    org_name = case((org.deleted_at.is_(None), org.name), else_=_none(String))
    colleagues = (
        select(p1.contact_id, p2.contact_id, literal_column("'p'"), _none(Float),
               org.workspace_id, org.owner_id, org.visibility, org_name)
        .join(p2, and_(p2.organization_id == p1.organization_id, p2.contact_id != p1.contact_id))
        .join(c1, c1.id == p1.contact_id)
        .join(c2, c2.id == p2.contact_id)
        .join(org, org.id == p1.organization_id)
        .where(
            p1.contact_id.in_(IDS),
            overlap,
            # From the contacts' positions, not a walk of the workspace's contacts.
            visible(c1, actor, workspace_index=False),
            visible(c2, actor, workspace_index=False),
        )
    )  # fmt: skip
    ip1, ip2 = aliased(InteractionParticipant), aliased(InteractionParticipant)
    shared = (
        select(ip1.contact_id, ip2.contact_id, literal_column("'s'"), cast(func.count(), Float),
               _none(Integer), _none(Integer), _none(String), _none(String))
        .join(ip2, and_(ip2.interaction_id == ip1.interaction_id, ip2.contact_id != ip1.contact_id))
        .join(Interaction, Interaction.id == ip1.interaction_id)
        .where(
            ip1.contact_id.in_(IDS),
            visible(Interaction, actor),
            Interaction.recipients <= MAX_SHARED_RECIPIENTS,
        )
        .group_by(ip1.contact_id, ip2.contact_id)
    )  # fmt: skip
    e = LedgerEntry
    introductions = [
        select(own, other, literal_column("'i'"), _none(Float), _none(Integer), _none(Integer),
               _none(String), e.direction)
        .where(
            own.in_(IDS),
            e.kind == LedgerKind.INTRODUCTION.value,
            e.related_contact_id.is_not(None),
            # Driven from the contact's index: SQLite would walk the workspace's entries.
            visible(e, actor, workspace_index=False),
        )
        for own, other in (
            (e.counterpart_id, e.related_contact_id),
            (e.related_contact_id, e.counterpart_id),
        )
    ]  # fmt: skip
    edges = union_all(*relations, colleagues, shared, *introductions)
    nodes = select(Contact.id, Contact.display_name, Contact.owner_id, Contact.visibility).where(
        Contact.id.in_(IDS),
        Contact.workspace_id == actor.workspace_id,
        Contact.deleted_at.is_(None),
    )
    touches = select(ContactTouch.contact_id, ContactTouch.owner_id, ContactTouch.visibility)
    touches = touches.where(ContactTouch.contact_id.in_(IDS))
    return _Queries(edges, nodes, touches)


def edges_of(session: Session, actor: Actor, ids: Iterable[int]) -> Adjacency:
    """Every edge of each contact in `ids`: {contact: {neighbour: Edge}}."""
    adjacency: Adjacency = {}
    query = _queries(actor).edges
    for chunk in chunks(ids):
        rows = session.connection().execute(query, {"ids": chunk}).all()
        for u, v, source, strength, workspace_id, owner_id, visibility, label in rows:
            if u is None or v is None or u == v:
                continue
            if source == "r":
                if not _seen(actor, workspace_id, owner_id, visibility):
                    continue
                reason = f"knows them (recorded, {strength:.1f})"
            elif source == "p":
                shown = label is not None and _seen(actor, workspace_id, owner_id, visibility)
                strength = POSITION_STRENGTH
                reason = f"worked together at {label if shown else 'an organization'}"
            elif source == "s":
                n = round(strength)
                strength = _shared_strength(n)
                reason = "1 shared interaction" if n == 1 else f"{n} shared interactions"
            else:
                strength = INTRODUCTION_STRENGTH
                reason = "you introduced them" if label == "gave" else "an introduction"
            edge = adjacency.setdefault(u, {}).get(v)
            if edge is None:
                adjacency[u][v] = Edge(float(strength), [reason])
            else:
                edge.add(float(strength), reason)
    return adjacency


def nodes(session: Session, actor: Actor, ids: Iterable[int]) -> dict[int, Node]:
    """The contacts of the actor's workspace among `ids` (trashed ones left out)."""
    found: dict[int, Node] = {}
    for chunk in chunks(ids):
        query = select(
            Contact.id, Contact.display_name, Contact.owner_id, Contact.visibility
        ).where(
            Contact.id.in_(chunk),
            Contact.workspace_id == actor.workspace_id,
            Contact.deleted_at.is_(None),
        )
        for cid, name, owner_id, visibility in session.execute(query):
            seen = owner_id == actor.user_id or visibility == Visibility.WORKSPACE.value
            found[cid] = Node(cid, name, owner_id, seen)
    return found


def teammates(session: Session, actor: Actor) -> dict[int, str]:
    """The other members of the actor's workspace: {user id: name}."""
    query = (
        select(User.id, User.name)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.workspace_id == actor.workspace_id,
            Membership.removed_at.is_(None),
            User.id != actor.user_id,
        )
    )
    return {int(uid): str(name) for uid, name in session.execute(query)}


def touch_owners(session: Session, actor: Actor, ids: Iterable[int]) -> dict[int, list[Touch]]:
    """(owner, visibility) of each contact's touch aggregates, for `holders`."""
    query = _queries(actor).touches
    found: dict[int, list[Touch]] = {}
    for chunk in chunks(ids):
        for cid, owner_id, visibility in session.connection().execute(query, {"ids": chunk}):
            found.setdefault(cid, []).append((owner_id, visibility))
    return found


def holders(
    actor: Actor, found: dict[int, Node], touches: dict[int, list[Touch]], people: Iterable[int]
) -> dict[int, set[int]]:
    """Who among `people` (the actor and teammates) is in touch with each contact found.

    The actor: any touch of theirs. A teammate: a shared touch, or any touch with a
    contact they own (their private contact then shows only as "a teammate knows
    someone there"); a teammate's private touch with a shared contact stays theirs.
    """
    members = set(people)
    result: dict[int, set[int]] = {}
    for cid, node in found.items():
        for owner_id, visibility in touches.get(cid, ()):
            if owner_id in members and (
                owner_id == actor.user_id
                or visibility == Visibility.WORKSPACE.value
                or node.owner_id == owner_id
            ):
                result.setdefault(cid, set()).add(owner_id)
    return result
