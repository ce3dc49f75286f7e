"""The web app's pages (server-rendered Jinja2 + HTMX) over the same services as the CLI
and the API. `_core` holds what every page shares; one module per area."""

from __future__ import annotations

from fastapi import APIRouter

from goodwill.web.pages import (
    account,
    asks,
    contacts,
    imports,
    intros,
    join,
    ledger,
    network,
    pipelines,
    settings,
    today,
)

router = APIRouter(include_in_schema=False)
for area in (account, join, today, contacts, ledger, asks, intros, network, pipelines, imports,
             settings):  # fmt: skip
    router.include_router(area.router)
