"""Canary entries for the web pages' read models: the ledger overview and history, the
ask and introduction boards, and the review of a draft ask. B sees B's own ledger and
asks only, A's introductions redacted or not at all, and a draft naming A's private
contact reads exactly like one naming nobody."""

from __future__ import annotations

from typing import Any

from goodwill.services import ask_drafts, boards, ledger_history, pickers
from goodwill.services.views import Ref
from tests.integration.canary_calls_intros import _a_private, _intro

PRIVATE_CONTACT = Ref(None, "a private contact")


def _ledger_overview(b: Any, uow: Any, c: Any) -> Any:
    g = c.p.g
    return c.ok(
        ledger_history.ledger_overview,
        expect=lambda r: (
            sorted(e.id for e in r.entries.items) == sorted([g.b_gave, g.b_received])
            and r.balance.balance == 1
            and r.history.balance == 1
            and [t.contact.id for t in r.takers] == [c.p.shared]
        ),
    )


def _ask_board(b: Any, uow: Any, c: Any) -> Any:
    def only_bs(columns: Any) -> bool:
        return [a.id for col in columns for a in col.asks] == [c.p.g.b_ask]

    return c.ok(boards.ask_board, expect=only_bs)


def _intro_board(b: Any, uow: Any, c: Any) -> Any:
    hidden = _a_private(c, "requested")
    shared = _intro(c, c.a, c.p.shared, c.p.contact, "target-asked", visibility="workspace")

    def seen(columns: Any) -> bool:
        found = {i.id: i for col in columns for i in col.introductions}
        return hidden not in found and found[shared].target == PRIVATE_CONTACT

    return c.ok(boards.intro_board, expect=seen)


def _review(b: Any, uow: Any, c: Any) -> list[Any]:
    outcomes = []
    for secret, missing in c.contact_refs:
        got = c.ok(ask_drafts.review_ask_draft, str(secret), "favor", "a review",
                   echoed=(str(secret),))  # fmt: skip
        want = c.ok(ask_drafts.review_ask_draft, str(missing), "favor", "a review")
        assert got.readiness is None and want.readiness is None
        expected = (want.readiness_problem or "").replace(str(missing), str(secret))
        expected = expected.replace(str(missing).lower(), str(secret).lower())
        assert got.readiness_problem == expected, (got.readiness_problem, expected)
        outcomes += [got, want]
    outcomes.append(
        c.ok(
            ask_drafts.review_ask_draft,
            str(c.p.shared),
            "favor",
            "Could you help me?",
            expect=lambda r: r.readiness is not None and r.coach is not None,
        )  # fmt: skip
    )
    return outcomes


def _suggest(b: Any, uow: Any, c: Any) -> list[Any]:
    return [
        c.ok(pickers.suggest_names, c.p.canary, with_organizations=True,
             echoed=(c.p.canary,), expect=lambda r: r == []),
        c.ok(pickers.suggest_names, c.p.canary[1:16], with_organizations=True,
             echoed=(c.p.canary[1:16],), expect=lambda r: r == []),
        c.ok(pickers.suggest_names, "Shared",
             expect=lambda r: [s.value for s in r] == ["Shared Person"]),
        c.ok(pickers.suggest_names, "Open Org", with_organizations=True,
             expect=lambda r: [(s.value, s.kind) for s in r] == [("Open Org", "organization")]),
    ]  # fmt: skip


RELATIONS_CALLS = {
    "pickers.suggest_names": _suggest,
    "ledger_history.ledger_history": lambda b, uow, c: c.ok(
        ledger_history.ledger_history, expect=lambda r: r.balance == 1
    ),
    "ledger_history.ledger_overview": _ledger_overview,
    "boards.ask_board": _ask_board,
    "boards.intro_board": _intro_board,
    "ask_drafts.review_ask_draft": _review,
}
