"""Read use cases served again while nothing was written (storage.memo): a decorator
for service functions whose first two arguments are the actor and the unit of work."""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable
from typing import ParamSpec, TypeVar

from goodwill.services.actor import Actor
from goodwill.storage.unit_of_work import UnitOfWork

P = ParamSpec("P")
R = TypeVar("R")


def memoized(
    clock: Callable[[Actor], Hashable] | None = None,
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """The result served again while nothing was written, per actor (whose visibility
    shaped it) and arguments; `clock` adds the time the result depends on (a report's
    day, the agenda's minute). `__wrapped__` computes afresh."""

    def wrap(compute: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(compute)
        def served(*args: P.args, **kwargs: P.kwargs) -> R:
            actor, uow = args[0], args[1]
            assert isinstance(actor, Actor) and isinstance(uow, UnitOfWork)
            when = clock(actor) if clock is not None else None
            key = (compute.__qualname__, actor, args[2:], tuple(sorted(kwargs.items())), when)
            return uow.memoized(key, lambda: compute(*args, **kwargs))

        return served

    return wrap
