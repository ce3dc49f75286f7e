"""Canary entries for needs, offers and ways to give: A's private needs, offers and
discovery challenges — and A's items about A's private contact, and A's own offers —
never reach B, not as a suggestion, not as a reason, not by id or key."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from goodwill.errors import PermissionDenied
from goodwill.services import giving
from goodwill.services.actor import utcnow
from goodwill.storage.schema import DiscoveryAnswer

MISSING = 999_999_999
DE = "data engineering"


@dataclass(frozen=True)
class Planted:
    a_need: int  # A's private need on the shared contact, the canary in its text
    a_offer: int  # A's private offer on A's private contact
    a_ws_on_private: int  # A's workspace need on A's private contact
    a_ws_mine: int  # A's own offer, shared with the workspace
    a_ws_need: int  # A's workspace need on the shared contact (no canary)
    a_key: str  # the suggestion A sees between a_need and a_offer
    b_need: int  # B's need on the shared contact
    b_offer: int  # B's offer on B's contact
    b_mine: int  # B's own article


def _plant(c: Any) -> Planted:
    a, b, uow, p = c.a, c.b, c.uow, c.p
    canary = p.canary
    a_need = giving.add_need(
        a, uow, p.shared, f"hiring a {canary} data engineer", tags=[DE], visibility="private"
    ).id
    a_offer = giving.add_offer(a, uow, p.contact, f"data engineer {canary}", tags=[DE]).id
    on_private = giving.add_need(a, uow, p.contact, "team data engineering need", tags=[DE])
    mine = giving.add_offer(
        a, uow, None, f"article '{canary} data engineering'", tags=[DE], visibility="workspace"
    )
    ws_need = giving.add_need(
        a, uow, p.shared, "a shared data engineering need", tags=[DE], visibility="workspace"
    )
    with uow.write() as session:
        now = utcnow()
        session.add(
            DiscoveryAnswer(
                workspace_id=a.workspace_id,
                owner_id=a.user_id,
                visibility="private",
                created_at=now,
                updated_at=now,
                contact_id=p.shared,
                question="challenges",
                answer=f"data engineering {canary}",
                learned_on=now.date(),
            )
        )
    with uow.read() as session:  # not through ways_to_give: its canary spies on B's calls
        seen = giving.suggestions_for(session, a, limit=100)
    a_keys = [s.key for s in seen if s.need.id == a_need and s.offer.id == a_offer]
    assert len(a_keys) == 1, "A sees the suggestion of A's own need and offer"
    return Planted(
        a_need=a_need,
        a_offer=a_offer,
        a_ws_on_private=on_private.id,
        a_ws_mine=mine.id,
        a_ws_need=ws_need.id,
        a_key=a_keys[0],
        b_need=giving.add_need(b, uow, p.shared, "hiring a data engineer", tags=[DE]).id,
        b_offer=giving.add_offer(
            b, uow, p.b_contact, "data engineer, open to a role", tags=[DE]
        ).id,
        b_mine=giving.add_offer(b, uow, None, "my article 'data engineering hiring'", tags=[DE]).id,
    )


def _a_ids(g: Planted) -> set[int]:
    return {g.a_need, g.a_offer, g.a_ws_on_private, g.a_ws_mine}


def _hidden_items(c: Any, g: Planted) -> list[tuple[int, int]]:
    return [(i, MISSING) for i in sorted(_a_ids(g))]


def _decoy_key(g: Planted) -> str:
    """A key of the same shape that names no suggestion."""
    return "".join("0" if ch != "0" else "1" for ch in g.a_key)


def _only_b(g: Planted) -> Callable[[Any], bool]:
    def check(found: Any) -> bool:
        ids = {i for s in found for i in (s.need.id, s.offer.id)}
        return bool(found) and not ids & _a_ids(g) and g.a_key not in {s.key for s in found}

    return check


def _add(name: str) -> Callable[[Any, Any, Any], list[Any]]:
    def calls(b: Any, uow: Any, c: Any) -> list[Any]:
        fn = getattr(giving, name)  # looked up at call time: the canary's spy
        c.hidden(c.contact_refs, lambda r: fn(b, uow, r, "a data engineer"))
        return [
            c.ok(fn, c.p.shared, "a data engineer", tags="data, hiring",
                 expect=lambda r: r.contact.id == c.p.shared and r.owner_id == b.user_id),
        ]  # fmt: skip

    return calls


def _list(b: Any, uow: Any, c: Any) -> list[Any]:
    g = _plant(c)
    mine = {g.b_need, g.b_offer, g.b_mine, g.a_ws_need}
    c.hidden(c.contact_refs, lambda r: giving.list_needs_offers(b, uow, contact=r))
    return [
        c.ok(giving.list_needs_offers, include_closed=True,
             expect=lambda r: {v.id for v in r} == mine),
        c.ok(giving.list_needs_offers, contact=c.p.shared, kind="need",
             expect=lambda r: {v.id for v in r} == {g.b_need, g.a_ws_need}),
    ]  # fmt: skip


def _close(b: Any, uow: Any, c: Any) -> list[Any]:
    g = _plant(c)
    c.hidden(_hidden_items(c, g), lambda r: giving.close_need_offer(b, uow, r))
    return [
        c.fails(PermissionDenied, giving.close_need_offer, g.a_ws_need),
        c.ok(giving.close_need_offer, g.b_need, expect=lambda r: r.closed_at is not None),
    ]


def _ways(b: Any, uow: Any, c: Any) -> list[Any]:
    g = _plant(c)
    c.hidden(c.contact_refs, lambda r: giving.ways_to_give(b, uow, contact=r))
    return [
        c.ok(giving.ways_to_give, limit=100, expect=_only_b(g)),
        c.ok(giving.ways_to_give, contact=c.p.shared, expect=_only_b(g)),
    ]


def _dismiss(b: Any, uow: Any, c: Any) -> list[Any]:
    g = _plant(c)
    c.hidden([(g.a_key, _decoy_key(g)), (g.a_key[:8], _decoy_key(g)[:8])],
             lambda r: giving.dismiss_suggestion(b, uow, r))  # fmt: skip
    own = giving.ways_to_give(b, uow, limit=1)[0]
    return [c.ok(giving.dismiss_suggestion, own.short_key, expect=lambda r: r.key == own.key)]


def _act(b: Any, uow: Any, c: Any) -> list[Any]:
    g = _plant(c)
    c.hidden([(g.a_key, _decoy_key(g)), (g.a_key[:8], _decoy_key(g)[:8])],
             lambda r: giving.act_on_suggestion(b, uow, r))  # fmt: skip
    found = giving.ways_to_give(b, uow, limit=100)
    intro = next(s for s in found if s.kind == "introduce")
    share = next(s for s in found if s.kind == "share")
    own = b.user_id
    return [
        c.ok(giving.act_on_suggestion, intro.key, expect=lambda r: r.introduction_id is not None),
        c.ok(giving.act_on_suggestion, share.key,
             expect=lambda r: (r.ledger_entry.kind, r.ledger_entry.owner_id) == ("article", own)),
    ]  # fmt: skip


GIVING_WAYS_CALLS: dict[str, Callable[[Any, Any, Any], Any]] = {
    "giving.add_need": _add("add_need"),
    "giving.add_offer": _add("add_offer"),
    "giving.list_needs_offers": _list,
    "giving.close_need_offer": _close,
    "giving.ways_to_give": _ways,
    "giving.dismiss_suggestion": _dismiss,
    "giving.act_on_suggestion": _act,
}
