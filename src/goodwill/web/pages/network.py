"""Network: warm-introduction paths to a person or an organization, each hop explained;
and the people a search box suggests as you type (any form that names a contact)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from goodwill.errors import GoodwillError
from goodwill.services import contacts, network
from goodwill.web.pages._core import PageDep

router = APIRouter(include_in_schema=False)
SUGGESTIONS = 8
QUERY_MAX = 200


@router.get("/network")
def network_view(
    page: PageDep, target: Annotated[str, Query(max_length=QUERY_MAX)] = ""
) -> Response:
    """The best routes to `target` (a name, an email, #id or an organization)."""
    paths, problem = None, None
    if target.strip():
        try:
            paths = network.warm_paths(page.actor, page.uow, target)
        except GoodwillError as exc:
            problem = exc.message
    return page.render(
        "network.html", section="network", target=target, paths=paths, problem=problem
    )


@router.get("/network/suggest")
def suggest(page: PageDep) -> Response:
    """<option>s for a contact field's <datalist>: whatever the one field is named, its
    value is the query (htmx sends the field that asked)."""
    typed = next((v for v in page.request.query_params.values() if v.strip()), "")[:QUERY_MAX]
    found = (
        contacts.search_contacts(page.actor, page.uow, typed, limit=SUGGESTIONS)
        if typed.strip()
        else []
    )
    return page.render("_people_options.html", people=found)
