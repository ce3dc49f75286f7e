"""Canary entries for discovery profiles: A's private answers (and A's private contacts
and organizations) never reach B, and A's private answer ids fail like missing ones."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from goodwill.errors import PermissionDenied
from goodwill.services import discovery

# Taken before the canary spies on the module: planting as A must not count as a call.
_record_as = discovery.record_discovery


@dataclass(frozen=True)
class Answers:
    private: int  # A's private answer on the shared contact, with the canary
    shared: int  # A's workspace answer on the shared contact (no canary: B may see it)
    open_org: int  # A's private answer on the workspace organization, with the canary


def _plant(c: Any) -> Answers:
    a, p = c.a, c.p
    secret = {"challenges": f"pain {p.canary}", "meaning": f"means {p.canary}"}
    private = _record_as(a, c.uow, p.shared, secret, learned_on="2024-05-01", visibility="private")
    shared = _record_as(
        a, c.uow, p.shared, {"challenges": "team pain"}, learned_on="2024-01-01",
        visibility="workspace",
    )  # fmt: skip
    _record_as(a, c.uow, p.contact, {"goal": f"goal {p.canary}"}, visibility="workspace")
    _record_as(a, c.uow, None, {"goal": f"org {p.canary}"}, organization=p.org)
    on_open = _record_as(a, c.uow, None, {"goal": f"open {p.canary}"}, organization=p.open_org)
    return Answers(private.recorded[0], shared.recorded[0], on_open.recorded[0])


def _b_sees_only_the_shared_answer(view: Any, answers: Answers) -> bool:
    ids = {a.id for a in view.history}
    return answers.shared in ids and not {answers.private, answers.open_org} & ids


def _record_discovery(b: Any, uow: Any, c: Any) -> list[Any]:
    answers = _plant(c)
    c.hidden(c.contact_refs, lambda r: discovery.record_discovery(b, uow, r, {"goal": "x"}))
    c.hidden(
        c.org_refs,
        lambda r: discovery.record_discovery(b, uow, None, {"goal": "x"}, organization=r),
    )
    return [
        c.ok(discovery.record_discovery, c.p.shared, {"goal": "bea's view"},
             expect=lambda r: _b_sees_only_the_shared_answer(r, answers)
             and len(r.recorded) == 1),
        c.ok(discovery.record_discovery, None, {"targets": "bakers"}, organization="Open Org",
             expect=lambda r: [a.answer for a in r.history] == ["bakers"]),
    ]  # fmt: skip


def _discovery_profile(b: Any, uow: Any, c: Any) -> list[Any]:
    answers = _plant(c)
    c.hidden(c.contact_refs, lambda r: discovery.discovery_profile(b, uow, r))
    c.hidden(c.org_refs, lambda r: discovery.discovery_profile(b, uow, None, organization=r))
    return [
        c.ok(discovery.discovery_profile, c.p.shared,
             expect=lambda r: _b_sees_only_the_shared_answer(r, answers)
             and r.questions[3].latest.id == answers.shared),
        c.ok(discovery.discovery_profile, None, organization=c.p.open_org,
             expect=lambda r: r.history == [] and r.last_learned_on is None),
    ]  # fmt: skip


def _forget_discovery_answer(b: Any, uow: Any, c: Any) -> list[Any]:
    answers = _plant(c)
    c.hidden(c.ids(answers.private), lambda r: discovery.forget_discovery_answer(b, uow, r))
    c.hidden(c.ids(answers.open_org), lambda r: discovery.forget_discovery_answer(b, uow, r))
    own = _record_as(b, uow, c.p.shared, {"goal": "bea's"})
    return [
        c.fails(PermissionDenied, discovery.forget_discovery_answer, answers.shared),
        c.ok(discovery.forget_discovery_answer, own.recorded[0],
             expect=lambda r: r.id == own.recorded[0]),
    ]  # fmt: skip


DISCOVERY_CALLS: dict[str, Callable[[Any, Any, Any], Any]] = {
    "discovery.record_discovery": _record_discovery,
    "discovery.discovery_profile": _discovery_profile,
    "discovery.forget_discovery_answer": _forget_discovery_answer,
}
