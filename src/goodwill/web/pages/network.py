"""Network: warm-introduction paths to a person or an organization, each hop explained;
and the people a search box suggests as you type (any form that names a contact)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from goodwill.errors import GoodwillError
from goodwill.services import network, pickers
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
    """<option>s for a name field's <datalist>. htmx sends the one field that asked,
    whatever its name, so its value is the query; `with=organizations` (the Network
    search box) suggests organizations too."""
    params = page.request.query_params
    typed = next((v for k, v in params.items() if k != "with" and v.strip()), "")
    found = pickers.suggest_names(
        page.actor,
        page.uow,
        typed[:QUERY_MAX],
        limit=SUGGESTIONS,
        with_organizations=params.get("with") == "organizations",
    )
    return page.render("_people_options.html", people=found)
