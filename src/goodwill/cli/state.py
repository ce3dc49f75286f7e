"""The CLI's context: which database, which user, opened lazily once per command."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

import typer
from rich.console import Console
from typer.core import TyperGroup

from goodwill.bootstrap import Database, open_database
from goodwill.errors import GoodwillError
from goodwill.services import accounts
from goodwill.services.actor import Actor
from goodwill.storage.unit_of_work import UnitOfWork

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


@dataclass
class State:
    db_url: str
    user_email: str | None
    workspace: str | None = None
    _db: Database | None = field(default=None, init=False)
    _actor: Actor | None = field(default=None, init=False)

    @property
    def db(self) -> Database:
        if self._db is None:
            self._db = open_database(self.db_url)
        return self._db

    @property
    def uow(self) -> UnitOfWork:
        return self.db.uow

    @property
    def actor(self) -> Actor:
        if self._actor is None:
            self._actor = accounts.local_actor(self.uow, self.user_email, self.workspace)
        return self._actor

    def close(self) -> None:
        if self._db is not None:
            self._db.close()


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    assert isinstance(obj, State)
    return obj


class GoodwillGroup(TyperGroup):
    """Turns the error tree into one line on stderr and the error's exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except GoodwillError as exc:
            err_console.print(f"error: {exc.message}", markup=False, soft_wrap=True)
            raise typer.Exit(exc.exit_code) from None
        finally:
            obj = ctx.obj
            if isinstance(obj, State):
                obj.close()


def confirm(question: str, yes: bool) -> bool:
    """Ask on a terminal; without one, --yes is required (CI has no stdin)."""
    if yes:
        return True
    if not sys.stdin.isatty():
        err_console.print(
            f"error: this needs confirmation ({question}) and there is no terminal to ask on; "
            "pass --yes to proceed",
            markup=False,
            soft_wrap=True,
        )
        raise typer.Exit(2)
    return typer.confirm(question, default=False)
