"""Canary entries for the Today and Settings screens' read models: B's screens hold
B's own tasks and settings, never A's private records; a plain member sees no
invitations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from goodwill.services import agenda, settings_page, today_page


def _today_page(b: Any, uow: Any, c: Any) -> list[Any]:
    return [
        c.ok(
            today_page.today_page,
            expect=lambda r: (
                [t.id for t in r.agenda.due_today + r.agenda.overdue_tasks] == [c.p.b_task]
                and r.agenda.ask_steps == []
                and all(s.task.id != c.p.task for s in r.next_steps)
            ),
        ),
    ]


TODAY_CALLS: dict[str, Callable[[Any, Any, Any], Any]] = {
    "today_page.today_page": _today_page,
    "agenda.week_balance": lambda b, uow, c: [c.ok(agenda.week_balance)],
    "settings_page.settings_page": lambda b, uow, c: [
        c.ok(
            settings_page.settings_page, expect=lambda r: r.invitations is None and not r.is_admin
        ),
    ],  # fmt: skip
    "settings_page.my_emails": lambda b, uow, c: [c.ok(settings_page.my_emails)],
    "settings_page.weights": lambda b, uow, c: [c.ok(settings_page.weights)],
    "settings_page.invitations": lambda b, uow, c: [
        c.ok(settings_page.invitations, expect=lambda r: r is None),
    ],
}
