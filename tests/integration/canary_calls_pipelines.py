"""Canary entries for pipelines, opportunities and job-search steps: A's private pipeline
and private opportunity (each carrying the canary, with a note, a red flag and an offer)
never reach B, and their ids and names fail like missing ones; A's shared opportunity on
A's private contact shows that contact redacted; B changes only B's own.

A's records are written straight into the tables: the canary spies on the function under
test and refuses any call of it as someone else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from goodwill.domain.pipelines import DEFAULT_STAGES, PipelineKind
from goodwill.domain.text import fold
from goodwill.errors import PermissionDenied
from goodwill.services import job_search, opportunities, pipelines
from goodwill.services.actor import Actor, utcnow
from goodwill.services.views import Ref
from goodwill.storage.schema import (
    Opportunity,
    OpportunityEvent,
    Pipeline,
    PipelineStage,
    RedFlag,
)

MISSING = 999_999_999
PRIVATE_CONTACT = Ref(None, "a private contact")


@dataclass(frozen=True)
class World:
    secret_pipeline: int  # A's private pipeline, the canary in its name
    secret_name: str
    team_pipeline: int  # A's shared pipeline
    secret_opp: int  # A's private opportunity in the shared pipeline, full of the canary
    shared_opp: int  # A's shared opportunity with A's private contact
    b_pipeline: int  # B's own, empty
    b_opp: int  # B's own, open, in B's pipeline


def _pipeline(c: Any, actor: Actor, name: str, visibility: str) -> tuple[int, dict[str, int]]:
    now = utcnow()
    with c.uow.write() as session:
        row = Pipeline(
            workspace_id=actor.workspace_id, owner_id=actor.user_id, visibility=visibility,
            name=name, name_key=fold(name), kind="sales", currency="USD",
            created_at=now, updated_at=now,
        )  # fmt: skip
        session.add(row)
        session.flush()
        stages = {}
        for spec in DEFAULT_STAGES[PipelineKind.SALES]:
            stage = PipelineStage(
                pipeline_id=row.id, name=spec.name, name_key=spec.key, position=spec.position,
                probability=spec.probability,
                outcome=None if spec.outcome is None else spec.outcome.value,
            )  # fmt: skip
            session.add(stage)
            session.flush()
            stages[spec.name] = stage.id
        return row.id, stages


def _opportunity(
    c: Any, actor: Actor, pipeline: tuple[int, dict[str, int]], visibility: str, mark: str,
    contact: int | None,
) -> int:  # fmt: skip
    now = utcnow()
    pipeline_id, stages = pipeline
    with c.uow.write() as session:
        row = Opportunity(
            workspace_id=actor.workspace_id, owner_id=actor.user_id, visibility=visibility,
            pipeline_id=pipeline_id, stage_id=stages["proposal"], title=f"deal {mark}",
            contact_id=contact, value_e4=120_000_000, currency="USD", source="referral",
            source_contact_id=contact, opened_at=now - timedelta(days=9),
            close_reason=None, benefit_us=f"us {mark}", benefit_them=f"them {mark}",
            health="watch", offer={"salary": "1", "currency": "USD", "details": {"k": mark}},
            created_at=now, updated_at=now,
        )  # fmt: skip
        session.add(row)
        session.flush()
        session.add_all(
            [
                OpportunityEvent(opportunity_id=row.id, kind="stage",
                                 to_stage_id=stages["proposal"], at=now - timedelta(days=9),
                                 note=f"opened {mark}"),
                OpportunityEvent(opportunity_id=row.id, kind="note", at=now - timedelta(days=1),
                                 note=f"note {mark}"),
                RedFlag(opportunity_id=row.id, flagged_on=date(2024, 1, 2), flag=f"flag {mark}",
                        evidence=f"evidence {mark}", created_at=now),
            ]
        )  # fmt: skip
        session.flush()
        return row.id


def _world(c: Any) -> World:
    p = c.p
    name = f"{p.canary} Pipeline"
    secret = _pipeline(c, c.a, name, "private")
    team = _pipeline(c, c.a, "Team pipeline", "workspace")
    own = _pipeline(c, c.b, "Bea pipeline", "private")
    return World(
        secret_pipeline=secret[0],
        secret_name=name,
        team_pipeline=team[0],
        secret_opp=_opportunity(c, c.a, team, "private", p.canary, p.contact),
        shared_opp=_opportunity(c, c.a, team, "workspace", "plain", p.contact),
        b_pipeline=_pipeline(c, c.b, "Bea empty", "private")[0],
        b_opp=_opportunity(c, c.b, own, "private", "bea", p.shared),
    )


def _pipeline_refs(w: World, c: Any) -> list[tuple[Any, Any]]:
    return [
        (w.secret_pipeline, MISSING),
        (f"#{w.secret_pipeline}", f"#{MISSING}"),
        (w.secret_name, f"{c.p.decoy} Pipeline"),
    ]


def _create_pipeline(b: Any, uow: Any, c: Any) -> list[Any]:
    w = _world(c)
    return [
        # A's private name is no clash for B: names are unique per user.
        c.ok(pipelines.create_pipeline, w.secret_name, "sales", echoed=(w.secret_name,),
             expect=lambda r: r.owner_id == b.user_id and r.id != w.secret_pipeline),
        c.ok(pipelines.create_pipeline, "Bea search", "job_search", target_salary=1, currency="EUR",
             expect=lambda r: r.kind == "job_search"),
    ]  # fmt: skip


def _list_pipelines(b: Any, uow: Any, c: Any) -> list[Any]:
    w = _world(c)

    def seen(rows: Any) -> bool:
        by_id = {v.id: v for v in rows}
        team = by_id[w.team_pipeline]
        return w.secret_pipeline not in by_id and team.opportunities == 1

    return [c.ok(pipelines.list_pipelines, expect=seen)]


def _pipeline_stages(b: Any, uow: Any, c: Any) -> list[Any]:
    w = _world(c)
    c.hidden(_pipeline_refs(w, c), lambda r: pipelines.pipeline_stages(b, uow, r))
    return [
        c.ok(pipelines.pipeline_stages, w.team_pipeline,
             expect=lambda r: sum(s.opportunities for s in r.stages) == 1),
        c.ok(pipelines.pipeline_stages, expect=lambda r: r.owner_id == b.user_id),
    ]  # fmt: skip


def _set_stages(b: Any, uow: Any, c: Any) -> list[Any]:
    w = _world(c)
    stages = ["lead:0.1", "won:1:won"]
    c.hidden(_pipeline_refs(w, c), lambda r: pipelines.set_stages(b, uow, r, stages))
    return [
        c.fails(PermissionDenied, pipelines.set_stages, w.team_pipeline, stages),
        c.ok(pipelines.set_stages, w.b_pipeline, stages, expect=lambda r: len(r.stages) == 2),
    ]


def _delete_pipeline(b: Any, uow: Any, c: Any) -> list[Any]:
    w = _world(c)
    c.hidden(_pipeline_refs(w, c), lambda r: pipelines.delete_pipeline(b, uow, r))
    return [
        c.fails(PermissionDenied, pipelines.delete_pipeline, w.team_pipeline),
        c.ok(pipelines.delete_pipeline, w.b_pipeline, expect=lambda r: r.id == w.b_pipeline),
    ]


def _add_opportunity(b: Any, uow: Any, c: Any) -> list[Any]:
    w, p = _world(c), c.p
    add = opportunities.add_opportunity
    c.hidden(_pipeline_refs(w, c), lambda r: opportunities.add_opportunity(b, uow, r, "x"))
    c.hidden(c.contact_refs, lambda r: opportunities.add_opportunity(b, uow, "Bea empty", "x",
                                                                     contact=r))  # fmt: skip
    c.hidden(c.contact_refs, lambda r: opportunities.add_opportunity(
        b, uow, "Bea empty", "x", source="referral", source_contact=r))  # fmt: skip
    c.hidden([(f"#{p.org}", f"#{MISSING}")], lambda r: opportunities.add_opportunity(
        b, uow, "Bea empty", "x", organization=r))  # fmt: skip
    return [
        c.fails(PermissionDenied, add, w.team_pipeline, "into A's pipeline"),
        c.ok(add, "Bea empty", "Bea deal", contact=p.shared, source="referral",
             source_contact=p.shared, organization="Open Org", next_step="call",
             expect=lambda r: r.contact.id == p.shared and r.source_ledger_id is not None),
    ]  # fmt: skip


def _bound(fn: Callable[..., Any], **kwargs: Any) -> Callable[..., Any]:
    """`fn` with keyword arguments bound, named like it (the probe labels calls by name)."""

    def call(actor: Any, uow: Any, *args: Any) -> Any:
        return fn(actor, uow, *args, **kwargs)

    call.__name__ = fn.__name__
    return call


def _changes(
    module: Any, name: str, *args: Any, **kwargs: Any
) -> Callable[[Any, Any, Any], list[Any]]:
    """A change to one opportunity: A's private one fails like a missing one, A's shared
    one is refused, B's own one works."""

    def entry(b: Any, uow: Any, c: Any) -> list[Any]:
        return _check_change(b, uow, c, _world(c), module, name, *args, **kwargs)

    return entry


def _check_change(
    b: Any, uow: Any, c: Any, w: World, module: Any, name: str, *args: Any, **kwargs: Any
) -> list[Any]:
    fn = _bound(getattr(module, name), **kwargs)  # looked up now: the spy is in place
    c.hidden(c.ids(w.secret_opp), lambda r: fn(b, uow, r, *args))
    return [
        c.fails(PermissionDenied, fn, w.shared_opp, *args),
        c.ok(fn, w.b_opp, *args, expect=lambda r: r.id == w.b_opp),
    ]


def _referral(b: Any, uow: Any, c: Any) -> list[Any]:
    w = _world(c)
    c.hidden(c.contact_refs, lambda r: job_search.record_referral(
        b, uow, w.b_opp, received_on="2024-02-01", contact=r))  # fmt: skip
    return _check_change(b, uow, c, w, job_search, "record_referral", asked_on="2024-01-01")


def _round(b: Any, uow: Any, c: Any) -> list[Any]:
    w, p = _world(c), c.p
    c.hidden(c.contact_refs, lambda r: job_search.add_interview_round(
        b, uow, w.b_opp, when="2024-02-01", people=[r]))  # fmt: skip
    return _check_change(
        b, uow, c, w, job_search, "add_interview_round", when="2024-02-01", people=[p.shared]
    )


def _show(b: Any, uow: Any, c: Any) -> list[Any]:
    w = _world(c)
    c.hidden(c.ids(w.secret_opp), lambda r: opportunities.show_opportunity(b, uow, r))
    return [
        c.ok(opportunities.show_opportunity, w.shared_opp,
             expect=lambda r: r.contact == PRIVATE_CONTACT and r.source_contact == PRIVATE_CONTACT
             and [n.text for n in r.notes] == ["note plain"]),
    ]  # fmt: skip


def _list(b: Any, uow: Any, c: Any) -> list[Any]:
    w = _world(c)
    c.hidden(_pipeline_refs(w, c), lambda r: opportunities.list_opportunities(b, uow, pipeline=r))

    def seen(rows: Any) -> bool:
        ids = {v.id for v in rows}
        return w.secret_opp not in ids and {w.shared_opp, w.b_opp} <= ids

    return [
        c.ok(opportunities.list_opportunities, expect=seen),
        c.ok(opportunities.list_opportunities, pipeline=w.team_pipeline, stage="proposal",
             open_only=True, expect=lambda r: [v.id for v in r] == [w.shared_opp]),
    ]  # fmt: skip


def _board(b: Any, uow: Any, c: Any) -> list[Any]:
    w = _world(c)
    c.hidden(_pipeline_refs(w, c), lambda r: pipelines.pipeline_board(b, uow, r))

    def seen(board: Any) -> bool:
        cards = [o for col in board.columns for o in col.cards]
        return [o.id for o in cards] == [w.shared_opp] and cards[0].contact == PRIVATE_CONTACT

    return [c.ok(pipelines.pipeline_board, w.team_pipeline, expect=seen)]


PIPELINE_CALLS: dict[str, Callable[[Any, Any, Any], Any]] = {
    "pipelines.create_pipeline": _create_pipeline,
    "pipelines.list_pipelines": _list_pipelines,
    "pipelines.pipeline_stages": _pipeline_stages,
    "pipelines.set_stages": _set_stages,
    "pipelines.delete_pipeline": _delete_pipeline,
    "pipelines.pipeline_board": _board,
    "opportunities.add_opportunity": _add_opportunity,
    "opportunities.move_opportunity": _changes(opportunities, "move_opportunity", "negotiation"),
    "opportunities.qualify_out": _changes(opportunities, "qualify_out", "not a fit"),
    "opportunities.set_next_step": _changes(opportunities, "set_next_step", "call them"),
    "opportunities.add_opportunity_note": _changes(opportunities, "add_opportunity_note", "a note"),
    "opportunities.set_partnership": _changes(opportunities, "set_partnership", health="good"),
    "opportunities.flag_opportunity": _changes(opportunities, "flag_opportunity", "late payment"),
    "opportunities.show_opportunity": _show,
    "opportunities.list_opportunities": _list,
    "job_search.record_referral": _referral,
    "job_search.add_interview_round": _round,
    "job_search.set_offer": _changes(
        job_search, "set_offer", salary="100", details={"bonus": "5%"}
    ),
}
