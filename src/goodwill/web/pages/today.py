"""Today: the agenda (services.agenda.today_agenda), and demo data for a fresh account."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from goodwill.services import agenda, demo
from goodwill.web.pages._core import PageDep

router = APIRouter(include_in_schema=False)


@router.get("/")
def today(page: PageDep) -> Response:
    return page.render("today.html", agenda=agenda.today_agenda(page.actor, page.uow))


@router.post("/demo")
def load_demo(page: PageDep) -> Response:
    """Fill an empty workspace with the demo network (refused beside real contacts)."""
    demo.build_demo(page.actor, page.uow)
    return page.redirect("/")
