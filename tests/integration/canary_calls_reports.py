"""Canary entries for reports and goals: A's private pipelines and opportunities never count
for B, never show, and fail by id or name exactly like missing ones."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from goodwill.errors import NotFound
from goodwill.services import goals, reports
from goodwill.services.views import Ref
from goodwill.storage.schema import ActivityGoal
from tests.pipeline_data import JOB_SEARCH, add_opportunity, add_pipeline

MISSING = 999_999_999
PRIVATE_CONTACT = Ref(None, "a private contact")


@dataclass(frozen=True)
class Planted:
    private_sales: int
    private_search: int
    team_sales: int
    private_opps: tuple[int, ...]
    shared_win: int


def _plant(c: Any) -> Planted:
    """A's records: a private sales pipeline and job search named with the canary; in a
    shared pipeline, private opportunities titled with it (won, lost with a canary reason,
    stuck) and a shared win on A's private contact."""
    a, p, canary = c.a, c.p, c.p.canary
    start = datetime.now(UTC) - timedelta(days=90)
    with c.uow.write() as s:
        private_sales = add_pipeline(s, a, f"{canary} deals", visibility="private")
        add_opportunity(s, a, private_sales, "prospect@0 won@2", title=f"win {canary}")
        private_search = add_pipeline(s, a, f"{canary} search", "job_search", stages=JOB_SEARCH,
                                      visibility="private", target_salary="99000",
                                      currency="EUR")  # fmt: skip
        team = add_pipeline(s, a, "Team pipeline")
        team_search = add_pipeline(s, a, "Team search", "job_search", stages=JOB_SEARCH,
                                   target_salary="52000", currency="USD")  # fmt: skip
        add_opportunity(s, a, team_search, "target@0 applied@3", start=start)
        secret = (
            add_opportunity(s, a, team, "prospect@0 won@3", start=start, title=f"won {canary}",
                            visibility="private", contact_id=p.shared, value="1000",
                            currency="EUR"),
            add_opportunity(s, a, team, "prospect@0 lost@3", start=start, title=f"lost {canary}",
                            visibility="private", close_reason=f"reason {canary}"),
            add_opportunity(s, a, team, "prospect@0 proposal@1", start=start,
                            title=f"stuck {canary}", visibility="private", value="5",
                            currency="EUR"),
        )  # fmt: skip
        add_opportunity(s, a, team, "prospect@0 proposal@1 discovery@2", start=start)
        add_opportunity(s, a, team, "prospect@0 proposal@2", start=start, title="team stuck")
        now = datetime.now(UTC)
        s.add(ActivityGoal(workspace_id=a.workspace_id, owner_id=a.user_id, metric="gives",
                           weekly_target=3, created_at=now, updated_at=now))  # fmt: skip
        shared_win = add_opportunity(s, a, team, "prospect@0 proposal@4 won@9", start=start,
                                     title="team win", contact_id=p.contact,
                                     source="referral", source_contact_id=p.contact,
                                     value="700", currency="EUR")  # fmt: skip
    return Planted(private_sales.id, private_search.id, team.id, secret, shared_win)


def _pipeline_refs(c: Any, pipeline_id: int, name: str) -> list[tuple[Any, Any]]:
    return [
        (pipeline_id, MISSING),
        (f"#{pipeline_id}", f"#{MISSING}"),
        (name, name.replace(c.p.canary, c.p.decoy)),
    ]


def _report(name: str, expect: Callable[[Any, Planted], bool]) -> Callable[..., Any]:
    def call(b: Any, uow: Any, c: Any) -> list[Any]:
        fn = getattr(reports, name)  # looked up now: the canary test wraps it
        planted = _plant(c)
        c.hidden(
            _pipeline_refs(c, planted.private_sales, f"{c.p.canary} deals"),
            lambda r: fn(b, uow, pipeline=r),
        )
        return [
            c.ok(fn, expect=lambda r: expect(r, planted)),
            c.ok(fn, pipeline="Team pipeline", since="-52w", expect=lambda r: expect(r, planted)),
        ]

    return call


def _funnel(r: Any, p: Planted) -> bool:
    return (r.total, r.won, r.lost, r.open) == (3, 1, 0, 2) and r.lost_reasons == []


def _aging(r: Any, p: Planted) -> bool:
    return (
        not set(p.private_opps) & {i.opportunity.id for i in r.items}
        and sum(s.open for s in r.stages) == 2
    )


def _forecast(r: Any, p: Planted) -> bool:
    return (r.won, r.closed) == (1, 1) and r.currencies == [] and r.open_without_value == 2


def _attribution(r: Any, p: Planted) -> bool:
    story = r.stories[0] if r.stories else None
    return (
        r.wins == 1
        and story is not None
        and story.opportunity.id == p.shared_win
        and story.contact == PRIVATE_CONTACT
        and story.source_contact == PRIVATE_CONTACT
        and (r.gave_first.opportunities + r.cold.opportunities) == 3
    )


def _jobsearch(b: Any, uow: Any, c: Any) -> list[Any]:
    planted = _plant(c)
    c.hidden(
        _pipeline_refs(c, planted.private_search, f"{c.p.canary} search"),
        lambda r: reports.jobsearch_report(b, uow, pipeline=r),
    )
    return [
        c.ok(
            reports.jobsearch_report,
            expect=lambda r: r.pipeline.label == "Team search" and r.applications == 1,
        )
    ]


def _goals(fn_name: str) -> Callable[..., Any]:
    def call(b: Any, uow: Any, c: Any) -> list[Any]:
        _plant(c)
        if fn_name == "remove_goal":
            return [c.fails(NotFound, goals.remove_goal, "gives")]
        if fn_name == "set_goal":
            return [c.ok(goals.set_goal, "networking", 4, expect=lambda r: r.weekly_target == 4)]
        if fn_name == "list_goals":
            return [c.ok(goals.list_goals, expect=lambda r: r == [])]
        goals.set_goal(b, uow, "touches", 5)  # B's own interaction counts, never A's
        return [
            c.ok(goals.goals_report, expect=lambda r: [(g.metric, g.done) for g in r.goals]
                 == [("touches", 1)]),
        ]  # fmt: skip

    return call


REPORT_CALLS: dict[str, Callable[[Any, Any, Any], Any]] = {
    "reports.funnel_report": _report("funnel_report", _funnel),
    "reports.aging_report": _report("aging_report", _aging),
    "reports.forecast_report": _report("forecast_report", _forecast),
    "reports.attribution_report": _report("attribution_report", _attribution),
    "reports.jobsearch_report": _jobsearch,
    "goals.set_goal": _goals("set_goal"),
    "goals.list_goals": _goals("list_goals"),
    "goals.remove_goal": _goals("remove_goal"),
    "goals.goals_report": _goals("goals_report"),
}
