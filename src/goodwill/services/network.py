"""Who knows whom (`goodwill knows`) and warm-introduction paths (`goodwill path`).

A path runs from the user ("me") through up to two people to the target: me → a →
b → target. It is searched from the target outwards — the target's neighbours,
their neighbours, then which of those the user (or a teammate) is in touch with —
so a query reads a few indexed neighbourhoods, never the whole graph. Routes rank
by the product of their edge strengths.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Hashable, Iterator
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from goodwill.domain.dates import local_date_of
from goodwill.domain.text import clean_text
from goodwill.errors import NotFound, ValidationFailed
from goodwill.services import _common as common
from goodwill.services._memo import memoized
from goodwill.services._network_graph import (
    RECORDED_DEFAULT,
    Adjacency,
    Node,
    edges_of,
    holders,
    nodes,
    teammates,
    touch_owners,
)
from goodwill.services._strength import Scored, score_contacts
from goodwill.services._visibility import REDACTED_CONTACT, visible
from goodwill.services.actor import Actor, utcnow
from goodwill.services.views import Ref
from goodwill.storage.schema import Contact, ContactRelation, Position
from goodwill.storage.unit_of_work import UnitOfWork

TEAMMATE_STRENGTH = 0.6
TEAMMATE_CONTACT_STRENGTH = 0.5
# A contact the user is in touch with but whose score is ~0 still opens a route.
MIN_DIRECT_STRENGTH = 0.05
MAX_LIMIT = 50
HIDDEN = "a teammate knows someone there"
NOTE_MAX = 500


@dataclass(frozen=True)
class KnowsView:
    """An edge from `contact` to `other`: its strength 0–1 and why."""

    contact: Ref
    other: Ref
    strength: float
    reasons: list[str]
    note: str | None = None


@dataclass(frozen=True)
class HopView:
    kind: str  # contact | teammate | hidden
    node: Ref
    strength: float  # of the edge into this node
    explanation: str


@dataclass(frozen=True)
class PathView:
    strength: float  # the product of the hops' strengths
    hops: list[HopView]


@dataclass(frozen=True)
class PathsView:
    target: str
    target_kind: str  # contact | organization
    paths: list[PathView]


def _check_strength(strength: float | None) -> None:
    if strength is not None and not (0.0 <= strength <= 1.0):  # NaN fails too
        raise ValidationFailed("strength", f"must be between 0 and 1, not {strength}")


def _pair(session: Session, actor: Actor, a: int | str, b: int | str) -> tuple[Contact, Contact]:
    first = common.resolve_contact(session, actor, a)
    second = common.resolve_contact(session, actor, b)
    if first.id == second.id:
        raise ValidationFailed("contacts", f"{first.display_name} cannot know themselves")
    return (first, second) if first.id < second.id else (second, first)


def _mine(session: Session, actor: Actor, low: Contact, high: Contact) -> ContactRelation | None:
    return session.scalars(
        select(ContactRelation).where(
            ContactRelation.owner_id == actor.user_id,
            ContactRelation.contact_a_id == low.id,
            ContactRelation.contact_b_id == high.id,
        )
    ).one_or_none()


def record_knows(
    actor: Actor,
    uow: UnitOfWork,
    a: int | str,
    b: int | str,
    strength: float | None = None,
    note: str | None = None,
    visibility: str | None = None,
) -> KnowsView:
    """Record that two contacts know each other; recording again updates it."""
    _check_strength(strength)
    text = clean_text(note, "note", max_len=NOTE_MAX)
    with uow.write() as session:
        low, high = _pair(session, actor, a, b)
        relation = _mine(session, actor, low, high)
        if relation is None:
            relation = ContactRelation(
                workspace_id=actor.workspace_id,
                owner_id=actor.user_id,
                visibility=common.choose_visibility(session, actor, visibility),
                contact_a_id=low.id,
                contact_b_id=high.id,
                strength=RECORDED_DEFAULT if strength is None else strength,
                note=text,
                created_at=utcnow(),
            )
            session.add(relation)
        else:
            if strength is not None:
                relation.strength = strength
            if note is not None:
                relation.note = text
            if visibility is not None:
                relation.visibility = common.choose_visibility(session, actor, visibility)
        session.flush()
        return KnowsView(
            contact=common.contact_ref(low, actor),
            other=common.contact_ref(high, actor),
            strength=relation.strength,
            reasons=[f"knows them (recorded, {relation.strength:.1f})"],
            note=relation.note,
        )


def forget_knows(actor: Actor, uow: UnitOfWork, a: int | str, b: int | str) -> None:
    """Remove the relation the actor recorded between two contacts."""
    with uow.write() as session:
        low, high = _pair(session, actor, a, b)
        relation = _mine(session, actor, low, high)
        if relation is None:
            raise NotFound(
                f"you recorded no relation between {low.display_name} and {high.display_name}"
            )
        session.delete(relation)


def list_knows(actor: Actor, uow: UnitOfWork, contact: int | str) -> list[KnowsView]:
    """Everyone a contact knows, strongest first, each with its reasons."""
    with uow.read() as session:
        found = common.resolve_contact(session, actor, contact)
        edges = edges_of(session, actor, [found.id]).get(found.id, {})
        known = nodes(session, actor, edges)
        notes = _notes(session, actor, found.id)
        me = common.contact_ref(found, actor)
        views = []
        for other_id, edge in edges.items():
            node = known.get(other_id)
            if node is None:
                continue
            if not node.seen:
                views.append(KnowsView(me, Ref(None, REDACTED_CONTACT), edge.strength, []))
                continue
            views.append(
                KnowsView(
                    me, Ref(node.id, node.name), edge.strength, edge.reasons, notes.get(node.id)
                )
            )
        views.sort(key=lambda v: (-v.strength, v.other.id is None, v.other.label))
        return views


def _notes(session: Session, actor: Actor, contact_id: int) -> dict[int, str]:
    r = ContactRelation
    rows = session.execute(
        select(r.contact_a_id, r.contact_b_id, r.note).where(
            or_(r.contact_a_id == contact_id, r.contact_b_id == contact_id),
            visible(r, actor, include_deleted=True),
            r.note.is_not(None),
        )
    )
    return {(b if a == contact_id else a): str(note) for a, b, note in rows}


def _targets(session: Session, actor: Actor, target: int | str) -> tuple[str, str, set[int]]:
    """(label, kind, contact ids): a contact (id, email, name) or everyone now at an
    organization (name or id)."""
    text = str(target).strip()
    if isinstance(target, int) or "@" in text or text.lstrip("#").isdigit():
        # Ids and emails name contacts only: a hidden contact's id never finds an
        # organization that happens to share it.
        if text.lstrip("#").isdigit():
            return _contact_by_id(session, actor, int(text.lstrip("#")))
        contact = common.resolve_contact(session, actor, target)
        return contact.display_name, "contact", {contact.id}
    try:
        contact = common.resolve_contact(session, actor, target)
        return contact.display_name, "contact", {contact.id}
    except NotFound:
        pass
    try:
        org = common.resolve_organization(session, actor, target)
    except NotFound:
        raise NotFound(f"no contact, email or organization matches '{target}'") from None
    today = local_date_of(utcnow(), actor.tz)
    query = (
        select(Position.contact_id)
        .join(Contact, Contact.id == Position.contact_id)
        .where(
            Position.organization_id == org.id,
            or_(Position.end_date.is_(None), Position.end_date >= today),
            Contact.workspace_id == actor.workspace_id,
            Contact.deleted_at.is_(None),
        )
    )
    return org.name, "organization", set(session.scalars(query))


def _contact_by_id(session: Session, actor: Actor, contact_id: int) -> tuple[str, str, set[int]]:
    # resolve_contact's answer without loading the whole contact (warm_paths is hot).
    name = session.scalar(
        select(Contact.display_name).where(Contact.id == contact_id, visible(Contact, actor))
    )
    if name is None:
        raise NotFound(f"no contact #{contact_id}")
    return name, "contact", {contact_id}


def _minute(actor: Actor) -> Hashable:
    """Strength decays with time: paths served again are at most a minute old."""
    return utcnow().replace(second=0, microsecond=0)


@memoized(_minute)  # the search scores hundreds of contacts: served again while unchanged
def warm_paths(actor: Actor, uow: UnitOfWork, target: int | str, limit: int = 5) -> PathsView:
    """The best routes to a contact, an email or an organization, up to 3 hops."""
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed("limit", f"must be between 1 and {MAX_LIMIT}")
    with uow.read() as session:
        label, kind, targets = _targets(session, actor, target)
        return PathsView(label, kind, _search(session, actor, targets, limit))


@dataclass
class _Graph:
    actor: Actor
    targets: set[int]
    first: Adjacency  # the targets' edges
    second: Adjacency  # their neighbours' edges
    found: dict[int, Node]
    held: dict[int, set[int]]  # contact -> the actor and teammates in touch
    scored: dict[int, Scored]
    team: dict[int, str]

    def direct(self, contact: int) -> float:
        scored = self.scored.get(contact)
        score = scored.strength.score / 100 if scored is not None else 0.0
        return max(score, MIN_DIRECT_STRENGTH)

    def starts(self, contact: int) -> Iterator[tuple[float, list[tuple[str, int, float]]]]:
        """Ways into `contact` from me: directly, or through a teammate."""
        people = self.held.get(contact, set())
        if self.actor.user_id in people:
            strength = self.direct(contact)
            yield strength, [("contact", contact, strength)]
        for member in sorted(people - {self.actor.user_id}):
            if member in self.team:
                steps = [("teammate", member, TEAMMATE_STRENGTH)]
                steps.append(("contact", contact, TEAMMATE_CONTACT_STRENGTH))
                yield TEAMMATE_STRENGTH * TEAMMATE_CONTACT_STRENGTH, steps


Step = tuple[str, int, float]  # kind, id, strength of the edge into it


def _search(session: Session, actor: Actor, targets: set[int], limit: int) -> list[PathView]:
    if not targets:
        return []
    first = edges_of(session, actor, targets)
    middle = {b for edges in first.values() for b in edges} - targets
    second = edges_of(session, actor, middle)
    outer = {a for edges in second.values() for a in edges} - targets
    team = teammates(session, actor)
    touches = touch_owners(session, actor, targets | middle | outer)
    # Of the outer ring only those the actor is in touch with can start a route.
    mine_outer = {
        c for c in outer if any(owner == actor.user_id for owner, _ in touches.get(c, ()))
    }
    found = nodes(session, actor, targets | middle | mine_outer)
    held = holders(actor, found, touches, [actor.user_id, *team])
    mine = [c for c, people in held.items() if actor.user_id in people]
    scored = score_contacts(session, actor, utcnow(), mine) if mine else {}
    graph = _Graph(actor, targets, first, second, found, held, scored, team)
    # Routes that read the same (a teammate's private contacts all read alike) count
    # once, at their best: how many private contacts stand behind one is not shown.
    distinct: dict[tuple[int | None, ...], tuple[float, list[Step]]] = {}
    for strength, steps in _routes(graph):
        key = tuple(_shown_id(graph, kind, node) for kind, node, _ in steps)
        if key not in distinct or strength > distinct[key][0]:
            distinct[key] = (strength, steps)
    best = heapq.nlargest(limit, distinct.values(), key=lambda r: (r[0], -len(r[1])))
    edges = {**second, **first}
    return [_view(graph, strength, steps, edges) for strength, steps in best]


def _shown_id(g: _Graph, kind: str, node: int) -> int | None:
    if kind == "teammate":
        return -node
    return node if g.found[node].seen else None


def _routes(g: _Graph) -> Iterator[tuple[float, list[Step]]]:
    def emit(strength: float, steps: list[Step]) -> Iterator[tuple[float, list[Step]]]:
        contacts = [s[1] for s in steps if s[0] != "teammate"]
        if len(set(contacts)) == len(contacts):
            yield strength, steps

    for t in g.targets & g.found.keys():
        for strength, steps in g.starts(t):
            yield from emit(strength, steps)
        for b, tb in g.first.get(t, {}).items():
            if b not in g.found or b in g.targets:
                continue
            for strength, steps in g.starts(b):
                yield from emit(strength * tb.strength, [*steps, ("contact", t, tb.strength)])
            for a, ab in g.second.get(b, {}).items():
                if a not in g.found or a == t or a in g.targets:
                    continue
                if g.actor.user_id not in g.held.get(a, set()):
                    continue
                direct = g.direct(a)
                steps = [("contact", a, direct), ("contact", b, ab.strength)]
                yield from emit(
                    direct * ab.strength * tb.strength, [*steps, ("contact", t, tb.strength)]
                )


def _view(g: _Graph, strength: float, steps: list[Step], edges: Adjacency) -> PathView:
    hops: list[HopView] = []
    previous: int | None = None
    for kind, node_id, hop_strength in steps:
        if kind == "teammate":
            name = g.team[node_id]
            hops.append(
                HopView("teammate", Ref(None, name), hop_strength, f"{name} — your teammate")
            )
            previous = None
            continue
        node = g.found[node_id]
        if not node.seen:
            hops.append(HopView("hidden", Ref(None, HIDDEN), hop_strength, HIDDEN))
        elif previous is None and hops:  # after a teammate
            text = f"{node.name} — in {hops[-1].node.label}'s network"
            hops.append(HopView("contact", Ref(node.id, node.name), hop_strength, text))
        elif previous is None:
            text = _direct_text(node, g.scored.get(node_id))
            hops.append(HopView("contact", Ref(node.id, node.name), hop_strength, text))
        else:
            edge = edges.get(node_id, {}).get(previous) or edges.get(previous, {}).get(node_id)
            before = g.found[previous]
            hidden = not before.seen
            reasons = [] if hidden or edge is None else edge.reasons
            who = "them" if hidden else before.name
            text = f"{node.name} — knows {who}" + (f": {'; '.join(reasons)}" if reasons else "")
            hops.append(HopView("contact", Ref(node.id, node.name), hop_strength, text))
        previous = node_id
    return PathView(round(strength, 6), hops)


def _word(score: float) -> str:
    if score >= 70:
        return "strong"
    if score >= 40:
        return "good"
    if score >= 15:
        return "weak"
    return "faint"


def _direct_text(node: Node, scored: Scored | None) -> str:
    if scored is None:
        return f"{node.name} — in touch"
    points = scored.strength.rounded
    parts = []
    touches = scored.touches
    if touches is not None:
        parts.append(f"{touches.touches} touch{'es' if touches.touches != 1 else ''}")
    days = scored.strength.days_since_last
    if days is not None:
        parts.append(f"last {math.floor(days)} days ago")
    ledger = scored.ledger
    if ledger.given or ledger.received:
        parts.append(f"you gave {ledger.given}, received {ledger.received}")
    detail = f": {', '.join(parts)}" if parts else ""
    return f"{node.name} — {_word(scored.strength.score)} ({points}){detail}"
