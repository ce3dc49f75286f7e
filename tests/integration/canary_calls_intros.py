"""Canary entries for introductions and message templates: A's private introductions,
need and template (each carrying the canary) never reach B, and their ids fail like
missing ones.

A's records are written straight into the tables here, not through the services: the
canary spies on the function under test and refuses any call of it as someone else.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from goodwill.errors import PermissionDenied
from goodwill.services import intros, templates
from goodwill.services.actor import Actor, utcnow
from goodwill.storage.schema import Introduction, MessageTemplate, NeedOffer


def _intro(
    c: Any, actor: Actor, requester: int, target: int, status: str, visibility: str = "private"
) -> int:
    """An introduction of `actor`'s in `status`, its homework done (A's private ones carry
    the canary; a shared one is shared text)."""
    mark = c.p.canary if actor == c.a and visibility == "private" else "plain"
    now = utcnow()
    with c.uow.write() as session:
        row = Introduction(
            workspace_id=actor.workspace_id,
            owner_id=actor.user_id,
            visibility=visibility,
            requester_id=requester,
            target_id=target,
            status=status,
            source="inbound",
            goal=f"goal {mark}",
            why_target=f"why {mark}",
            blurb=f"blurb {mark}",
            created_at=now,
            updated_at=now,
        )
        session.add(row)
        session.flush()
        return row.id


def _a_private(c: Any, status: str) -> int:
    return _intro(c, c.a, c.p.shared, c.p.contact, status)


def _b_own(c: Any, status: str) -> int:
    return _intro(c, c.b, c.p.b_contact, c.p.shared, status)


def _a_need(c: Any) -> int:
    now = utcnow()
    with c.uow.write() as session:
        row = NeedOffer(
            workspace_id=c.a.workspace_id,
            owner_id=c.a.user_id,
            visibility="private",
            contact_id=c.p.shared,
            kind="need",
            text=f"needs {c.p.canary}",
            tags=[c.p.canary],
            noted_on=date(2024, 1, 1),
            created_at=now,
            updated_at=now,
        )
        session.add(row)
        session.flush()
        return row.id


def _a_template(c: Any) -> None:
    with c.uow.write() as session:
        session.add(
            MessageTemplate(
                owner_id=c.a.user_id,
                name="intro-optin",
                body=f"Hi $target, {c.p.canary}",
                updated_at=utcnow(),
            )
        )


def _request(b: Any, uow: Any, c: Any) -> list[Any]:
    p, need = c.p, _a_need(c)
    c.hidden(c.contact_refs, lambda r: intros.request_introduction(b, uow, r, p.shared, goal="x"))
    c.hidden(
        c.contact_refs, lambda r: intros.request_introduction(b, uow, p.b_contact, r, goal="x")
    )
    c.hidden(
        c.ids(need),
        lambda r: intros.request_introduction(b, uow, p.b_contact, p.shared, goal="x", need_id=r),
    )
    return [
        c.ok(intros.request_introduction, p.b_contact, p.shared, goal="meet",
             expect=lambda r: (r.requester.id, r.target.id) == (p.b_contact, p.shared)),
    ]  # fmt: skip


def _triage(b: Any, uow: Any, c: Any) -> list[Any]:
    _a_template(c)
    secret = _a_private(c, "requested")
    shared = _intro(c, c.a, c.p.shared, c.p.contact, "requested", "workspace")
    for decision in ("accept", "decline", "tell-me-why"):
        c.hidden(c.ids(secret), lambda r, d=decision: intros.triage_introduction(b, uow, r, d))
    return [
        c.fails(PermissionDenied, intros.triage_introduction, shared, "decline"),
        # B's opt-in message is written with B's wording, never A's.
        c.ok(intros.triage_introduction, _b_own(c, "requested"), "accept",
             expect=lambda r: r.message.startswith("Subject: Would you like")),
        c.ok(intros.triage_introduction, _b_own(c, "requested"), "tell-me-why",
             expect=lambda r: r.introduction.status == "needs-info"),
    ]  # fmt: skip


def _answer(b: Any, uow: Any, c: Any) -> list[Any]:
    secret = _a_private(c, "needs-info")
    c.hidden(c.ids(secret), lambda r: intros.answer_homework(b, uow, r, goal="mine now"))
    return [
        c.ok(intros.answer_homework, _b_own(c, "needs-info"), blurb="b",
             expect=lambda r: r.status == "requested"),
    ]  # fmt: skip


def _consent(b: Any, uow: Any, c: Any) -> list[Any]:
    p, secret, own = c.p, _a_private(c, "target-asked"), _b_own(c, "target-asked")
    c.hidden(c.ids(secret), lambda r: intros.record_consent(b, uow, r, agreed=True, by=p.contact))
    c.hidden(c.contact_refs, lambda r: intros.record_consent(b, uow, own, agreed=True, by=r))
    return [
        c.ok(intros.record_consent, own, agreed=True, by=p.shared,
             expect=lambda r: r.status == "target-agreed"),
    ]  # fmt: skip


def _make(b: Any, uow: Any, c: Any) -> list[Any]:
    secret = _a_private(c, "target-agreed")
    c.hidden(c.ids(secret), lambda r: intros.make_introduction(b, uow, r))
    return [
        c.ok(intros.make_introduction, _b_own(c, "target-agreed"),
             expect=lambda r: r.introduction.ledger_entry_id is not None),
    ]  # fmt: skip


def _outcome(b: Any, uow: Any, c: Any) -> list[Any]:
    secret = _a_private(c, "made")
    c.hidden(c.ids(secret), lambda r: intros.record_intro_outcome(b, uow, r, "met"))
    return [
        c.ok(intros.record_intro_outcome, _b_own(c, "made"), "business",
             expect=lambda r: r.status == "closed"),
    ]  # fmt: skip


def _list(b: Any, uow: Any, c: Any) -> list[Any]:
    secrets = {_a_private(c, s) for s in ("requested", "made", "target-agreed")}
    shared = _intro(c, c.a, c.p.shared, c.p.contact, "requested", "workspace")
    own = _b_own(c, "requested")

    def seen(rows: Any) -> bool:
        ids = [v.id for v in rows]
        hidden = [v.target.id for v in rows if v.id == shared]
        return not secrets & set(ids) and own in ids and hidden == [None]

    return [
        c.ok(intros.list_introductions, expect=seen),
        c.ok(intros.list_introductions, open_only=True, expect=seen),
        c.ok(intros.list_introductions, status="made", expect=lambda r: r == []),
    ]


def _show(b: Any, uow: Any, c: Any) -> list[Any]:
    secret = _a_private(c, "requested")
    shared = _intro(c, c.a, c.p.shared, c.p.contact, "requested", "workspace")
    c.hidden(c.ids(secret), lambda r: intros.show_introduction(b, uow, r))
    return [
        c.ok(intros.show_introduction, shared,
             expect=lambda r: r.target.id is None and r.requester.id == c.p.shared),
    ]  # fmt: skip


def _templates(name: str, *args: Any) -> Callable[[Any, Any, Any], list[Any]]:
    """B sees the default wording, though A has their own (with the canary) saved."""

    def entry(b: Any, uow: Any, c: Any) -> list[Any]:
        _a_template(c)
        fn = getattr(templates, name)  # looked up now: the canary's spy is in place

        def defaults(result: Any) -> bool:
            return not any(t.customized for t in (result if isinstance(result, list) else [result]))

        return [c.ok(fn, *args, expect=defaults)]

    return entry


def _save_template(b: Any, uow: Any, c: Any) -> list[Any]:
    _a_template(c)
    return [
        c.ok(templates.save_template, "intro-optin", "Hello $target, from $me",
             expect=lambda r: r.customized and r.body == "Hello $target, from $me"),
    ]  # fmt: skip


INTRO_CALLS: dict[str, Callable[[Any, Any, Any], Any]] = {
    "intros.request_introduction": _request,
    "intros.triage_introduction": _triage,
    "intros.answer_homework": _answer,
    "intros.record_consent": _consent,
    "intros.make_introduction": _make,
    "intros.record_intro_outcome": _outcome,
    "intros.list_introductions": _list,
    "intros.show_introduction": _show,
    "templates.list_templates": _templates("list_templates"),
    "templates.show_template": _templates("show_template", "intro-optin"),
    "templates.save_template": _save_template,
    "templates.reset_template": _templates("reset_template", "intro-optin"),
}
