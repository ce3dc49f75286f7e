"""Canary entries for warm paths: A's private contact is at most "a teammate knows
someone there" to B, and never a way in by id, email or name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from goodwill.errors import NotFound
from goodwill.services import network


def _record_knows(b: Any, uow: Any, c: Any) -> list[Any]:
    p = c.p
    c.hidden(c.contact_refs, lambda r: network.record_knows(b, uow, r, p.shared))
    c.hidden(c.contact_refs, lambda r: network.record_knows(b, uow, p.b_contact, r))
    return [
        c.ok(network.record_knows, p.shared, p.b_contact, strength=0.8,
             expect=lambda r: {r.contact.id, r.other.id} == {p.shared, p.b_contact}),
    ]  # fmt: skip


def _forget_knows(b: Any, uow: Any, c: Any) -> list[Any]:
    p = c.p
    c.hidden(c.contact_refs, lambda r: network.forget_knows(b, uow, r, p.shared))
    return [c.fails(NotFound, network.forget_knows, p.shared, p.b_contact)]


def _list_knows(b: Any, uow: Any, c: Any) -> list[Any]:
    p = c.p
    c.hidden(c.contact_refs, lambda r: network.list_knows(b, uow, r))
    # The shared person met A's private contact in a workspace interaction: redacted.
    return [
        c.ok(network.list_knows, p.shared,
             expect=lambda r: [v.other.id for v in r] == [None] and r[0].reasons == []),
    ]  # fmt: skip


def _warm_paths(b: Any, uow: Any, c: Any) -> list[Any]:
    p = c.p
    c.hidden(c.contact_refs, lambda r: network.warm_paths(b, uow, r))
    c.hidden(c.org_refs, lambda r: network.warm_paths(b, uow, r))

    def redacted(view: Any) -> bool:
        hops = [h for path in view.paths for h in path.hops]
        ids = {h.node.id for h in hops}
        return p.contact not in ids and any(h.kind == "hidden" for h in hops)

    return [
        c.ok(network.warm_paths, "Open Org", limit=50, expect=redacted),
        c.ok(network.warm_paths, p.shared, expect=lambda r: p.contact not in
             {h.node.id for path in r.paths for h in path.hops}),
    ]  # fmt: skip


NETWORK_CALLS: dict[str, Callable[[Any, Any, Any], Any]] = {
    "network.record_knows": _record_knows,
    "network.forget_knows": _forget_knows,
    "network.list_knows": _list_knows,
    "network.warm_paths": _warm_paths,
}
