"""Today: the agenda (services.today_page), each item actionable in place, and demo data
for a fresh account.

Each action is a POST calling one service function. For HTMX it answers the item's
fragment (a task done or snoozed leaves the list, a person touched shows it, a give
recorded says so) with a status line in the flash area; a plain form is redirected
back to Today.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path
from fastapi.responses import Response

from goodwill.domain.interactions import Channel
from goodwill.services import agenda, demo, giving, interactions, tasks, today_page
from goodwill.web.pages._core import PageDep

router = APIRouter(include_in_schema=False)
TaskId = Annotated[int, Path(ge=1, le=2**62)]
ContactId = Annotated[int, Path(ge=1, le=2**62)]
GiveKey = Annotated[str, Path(min_length=6, max_length=64)]
CHANNELS = [c.value for c in Channel]
SNOOZES = (("tomorrow", "Snooze 1 day"), ("+7d", "Snooze 1 week"))
GAVE_EVENT = "goodwill-gave"  # the week's figures reload on it (templates/_today_week.html)


@router.get("/")
def today(page: PageDep) -> Response:
    view = today_page.today_page(page.actor, page.uow)
    return page.render(
        "today.html", section="today", view=view, agenda=view.agenda, channels=CHANNELS,
        snoozes=SNOOZES,
    )  # fmt: skip


@router.post("/demo")
def load_demo(page: PageDep) -> Response:
    """Fill an empty workspace with the demo network (refused beside real contacts)."""
    demo.build_demo(page.actor, page.uow)
    return page.redirect("/")


@router.post("/today/tasks/{task_id}/done")
def complete_task(page: PageDep, task_id: TaskId) -> Response:
    done = tasks.complete_task(page.actor, page.uow, task_id)
    if not page.htmx:
        return page.redirect("/")
    return page.render("_today_task_gone.html", task=done.task, following=done.next_occurrence,
                       verb="Done")  # fmt: skip


@router.post("/today/tasks/{task_id}/snooze")
def snooze_task(
    page: PageDep, task_id: TaskId, until: Annotated[str, Form(max_length=40)] = "tomorrow"
) -> Response:
    snoozed = tasks.snooze_task(page.actor, page.uow, task_id, until)
    if not page.htmx:
        return page.redirect("/")
    return page.render("_today_task_gone.html", task=snoozed, following=None, verb="Snoozed")


@router.post("/today/contacts/{contact_id}/touch")
def log_touch(
    page: PageDep,
    contact_id: ContactId,
    channel: Annotated[str, Form(max_length=20)] = "message",
    summary: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    logged = interactions.log_interaction(
        page.actor, page.uow, channel, [contact_id], summary=summary or None
    )
    if not page.htmx:
        return page.redirect("/")
    return page.render(
        "_today_touched.html", contact_id=contact_id, logged=logged.interaction,
        person=logged.interaction.participants[0],
    )  # fmt: skip


@router.post("/today/gives/{key}/act")
def act_on_give(
    page: PageDep, key: GiveKey, as_: Annotated[str, Form(alias="as", max_length=20)] = "ledger"
) -> Response:
    acted = giving.act_on_suggestion(page.actor, page.uow, key, as_=as_)
    if not page.htmx:
        return page.redirect("/")
    return page.render("_today_given.html", acted=acted, headers={"HX-Trigger": GAVE_EVENT})


@router.post("/today/gives/{key}/dismiss")
def dismiss_give(page: PageDep, key: GiveKey) -> Response:
    dismissed = giving.dismiss_suggestion(page.actor, page.uow, key)
    if not page.htmx:
        return page.redirect("/")
    return page.render("_today_give_gone.html", give=dismissed)


@router.get("/today/week")
def week(page: PageDep) -> Response:
    """This week's gives versus asks (reloaded after a give is recorded)."""
    return page.render("_today_week.html", week=agenda.week_balance(page.actor, page.uow))
