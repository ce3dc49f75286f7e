"""The records routes in one router: organizations and positions, interactions and a
contact's timeline, notes, tasks, the ledger, asks."""

from __future__ import annotations

from fastapi import APIRouter

from goodwill.web.api import asks, interactions, ledger, notes, organizations, tasks

router = APIRouter()
for _part in (organizations, interactions, notes, tasks, ledger, asks):
    # Copied, not nested: every route stays one level below the app's included router.
    router.routes.extend(_part.router.routes)
