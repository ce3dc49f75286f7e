"""`goodwill opp …`: deals and job applications in a pipeline — add, move, show, list,
qualify out, notes, red flags, health, next steps, interview rounds, referrals, offers."""

from __future__ import annotations

from typing import Annotated

import typer

from goodwill.cli import render
from goodwill.cli.ledger import Json, Visibility
from goodwill.cli.state import console, state
from goodwill.domain.people import parse_custom_field
from goodwill.domain.pipelines import format_money
from goodwill.services import job_search
from goodwill.services import opportunities as opp_service
from goodwill.services.opportunities import OpportunitySummary, OpportunityView

opp_app = typer.Typer(
    help="Opportunities (deals, job applications): add, move, show, list, qualify-out, note, "
    "flag, health, next, round, referral, offer."
)

OppId = Annotated[int, typer.Argument(help="The opportunity's id.")]
PipelineOption = Annotated[
    str | None, typer.Option("--pipeline", help="The pipeline's id or name (default: your first).")
]
Currency = Annotated[
    str | None, typer.Option(help="ISO 4217 code: EUR, USD… (default: the pipeline's).")
]


def _money(view: OpportunitySummary) -> str:
    return format_money(view.value, view.currency)


def _where(view: OpportunitySummary) -> str:
    closed = view.outcome and view.outcome != view.stage.casefold()
    return f"{view.stage} ({view.outcome})" if closed else view.stage


def _with(view: OpportunitySummary) -> str | None:
    ref = view.contact or view.organization
    return None if ref is None else ref.label


def _done(view: OpportunityView, as_json: bool, what: str) -> None:
    if as_json:
        render.emit_json(view)
        return
    render.ok(f"opportunity #{view.id} {view.title}: {what}")


def print_opportunity(view: OpportunityView) -> None:
    step = view.next_step
    offer = view.offer
    render.fields(
        [
            ("opportunity", f"#{view.id} {view.title}"),
            ("pipeline", f"{view.pipeline.label} — {_where(view)}, {view.probability:.0%}"),
            ("contact", view.contact.label if view.contact else None),
            ("organization", view.organization.label if view.organization else None),
            ("value", _money(view)),
            (
                "source",
                view.source + (f" via {view.source_contact.label}" if view.source_contact else ""),
            ),
            ("ledger entry", f"#{view.source_ledger_id}" if view.source_ledger_id else None),
            ("opened", render.when(view.opened_at)),
            ("closed", render.when(view.closed_at) if view.closed_at else None),
            ("reason", view.close_reason),
            (
                "next step",
                f"{step.title} (due {step.due_local})" if step and not step.done_at else None,
            ),
            ("health", view.health),
            ("what we gain", view.benefit_us),
            ("what they gain", view.benefit_them),
            ("referral asked", view.referral_asked_on),
            ("referral received", view.referral_received_on),
            (
                "offer",
                format_money(offer.salary, offer.currency) if offer and offer.salary else None,
            ),
            *(((f"  {k}", v) for k, v in offer.details.items()) if offer else ()),
            ("visibility", view.visibility),
        ]
    )
    render.table(
        "Timeline",
        ["when", "from", "to", "note"],
        [(render.when(e.at), e.from_stage or "—", e.to_stage, e.note) for e in view.events],
    )
    if view.notes:
        render.table("Notes", ["when", "note"], [(render.when(n.at), n.text) for n in view.notes])
    if view.red_flags:
        render.table(
            "Red flags",
            ["on", "flag", "evidence"],
            [(f.flagged_on.isoformat(), f.flag, f.evidence) for f in view.red_flags],
        )
    if view.rounds:
        render.table(
            "Interview rounds",
            ["round", "when", "label", "met"],
            [
                (r.round, render.when(r.at), r.label, ", ".join(p.label for p in r.people))
                for r in view.rounds
            ],
        )


@opp_app.command("add")
def opp_add(
    ctx: typer.Context,
    title: Annotated[
        str, typer.Argument(help="What it is: 'Acme renewal', 'Staff engineer at Initech'.")
    ],
    pipeline: PipelineOption = None,
    contact: Annotated[str | None, typer.Option(help="The person it is with (a contact).")] = None,
    org: Annotated[
        str | None, typer.Option(help="The organization (found by name, or created).")
    ] = None,
    value: Annotated[
        str | None, typer.Option(help="Deal amount or yearly salary, exact (12000, 12,000.50).")
    ] = None,
    currency: Currency = None,
    stage: Annotated[
        str | None, typer.Option(help="Where it starts (default: the first stage).")
    ] = None,
    source: Annotated[
        str, typer.Option(help="cold, referral, introduction, inbound or other.")
    ] = "cold",
    via: Annotated[
        str | None,
        typer.Option(help="Who referred or introduced you (recorded as received in the ledger)."),
    ] = None,
    intro: Annotated[
        int | None, typer.Option(help="The introduction (id) that opened the door.")
    ] = None,
    next_step: Annotated[
        str | None, typer.Option("--next", help="The next step: a task that shows in `today`.")
    ] = None,
    due: Annotated[
        str | None, typer.Option(help="When the next step is due (default today).")
    ] = None,
    opened: Annotated[
        str | None, typer.Option(help="When it started (default now), e.g. 2024-05-02.")
    ] = None,
    visibility: Visibility = None,
    as_json: Json = False,
) -> None:
    """Add a deal or an application to a pipeline."""
    st = state(ctx)
    view = opp_service.add_opportunity(
        st.actor,
        st.uow,
        pipeline,
        title,
        contact=contact,
        organization=org,
        value=value,
        currency=currency,
        stage=stage,
        source=source,
        source_contact=via,
        introduction_id=intro,
        next_step=next_step,
        next_due=due,
        opened_at=opened,
        visibility=visibility,
    )
    _done(view, as_json, f"added to {view.pipeline.label} at {view.stage}")


@opp_app.command("move")
def opp_move(
    ctx: typer.Context,
    opp_id: OppId,
    stage: Annotated[str, typer.Argument(help="The stage to move to.")],
    note: Annotated[
        str | None,
        typer.Option("--note", "-m", help="Why (kept with the move; closing: the reason)."),
    ] = None,
    at: Annotated[str | None, typer.Option(help="When it happened (default now).")] = None,
    as_json: Json = False,
) -> None:
    """Move an open opportunity to another stage (forward, skipping, or back)."""
    st = state(ctx)
    view = opp_service.move_opportunity(st.actor, st.uow, opp_id, stage, at=at, note=note)
    _done(view, as_json, f"now {_where(view)}")


@opp_app.command("show")
def opp_show(ctx: typer.Context, opp_id: OppId, as_json: Json = False) -> None:
    """An opportunity with its timeline, notes, red flags, rounds and offer."""
    st = state(ctx)
    view = opp_service.show_opportunity(st.actor, st.uow, opp_id)
    if as_json:
        render.emit_json(view)
        return
    print_opportunity(view)


@opp_app.command("list")
def opp_list(
    ctx: typer.Context,
    pipeline: Annotated[
        str | None, typer.Option("--pipeline", help="Only this pipeline (id or name).")
    ] = None,
    stage: Annotated[str | None, typer.Option(help="Only those in this stage.")] = None,
    open_only: Annotated[bool, typer.Option("--open", help="Only open ones.")] = False,
    limit: Annotated[int, typer.Option(help="How many at most.")] = 200,
    as_json: Json = False,
) -> None:
    """Opportunities you may see, newest first."""
    st = state(ctx)
    rows = opp_service.list_opportunities(
        st.actor, st.uow, pipeline=pipeline, stage=stage, open_only=open_only, limit=limit
    )
    if as_json:
        render.emit_json(rows)
        return
    render.table(
        None,
        ["id", "opportunity", "pipeline", "stage", "value", "with", "source", "next step"],
        [
            (
                o.id,
                o.title,
                o.pipeline.label,
                _where(o),
                _money(o),
                _with(o),
                o.source,
                f"{o.next_step.title} ({o.next_step.due_local})"
                if o.next_step and not o.next_step.done_at
                else None,
            )
            for o in rows
        ],
    )


@opp_app.command("qualify-out")
def opp_qualify_out(
    ctx: typer.Context,
    opp_id: OppId,
    reason: Annotated[str, typer.Option(help="Why it is not worth winning (reported).")],
    as_json: Json = False,
) -> None:
    """Close an opportunity not worth winning, with the reason."""
    st = state(ctx)
    view = opp_service.qualify_out(st.actor, st.uow, opp_id, reason)
    _done(view, as_json, f"qualified out ({view.stage})")


@opp_app.command("note")
def opp_note(
    ctx: typer.Context,
    opp_id: OppId,
    text: Annotated[str, typer.Argument(help="The note.")],
    as_json: Json = False,
) -> None:
    """Add a dated note to an opportunity's timeline."""
    st = state(ctx)
    view = opp_service.add_opportunity_note(st.actor, st.uow, opp_id, text)
    _done(view, as_json, "note added")


@opp_app.command("flag")
def opp_flag(
    ctx: typer.Context,
    opp_id: OppId,
    text: Annotated[str, typer.Argument(help="The red flag, e.g. 'treats us as order-takers'.")],
    evidence: Annotated[str | None, typer.Option(help="What happened that shows it.")] = None,
    on: Annotated[str | None, typer.Option(help="When (default today).")] = None,
    as_json: Json = False,
) -> None:
    """Log a red flag with its date and evidence."""
    st = state(ctx)
    view = opp_service.flag_opportunity(st.actor, st.uow, opp_id, text, evidence=evidence, on=on)
    _done(view, as_json, f"{len(view.red_flags)} red flag(s)")


@opp_app.command("health")
def opp_health(
    ctx: typer.Context,
    opp_id: OppId,
    health: Annotated[str | None, typer.Argument(help="good, watch or poor.")] = None,
    us: Annotated[str | None, typer.Option("--us", help="What we gain from it.")] = None,
    them: Annotated[str | None, typer.Option("--them", help="What they gain from it.")] = None,
    as_json: Json = False,
) -> None:
    """Partnership health: the rating and what each side gains."""
    st = state(ctx)
    view = opp_service.set_partnership(
        st.actor, st.uow, opp_id, benefit_us=us, benefit_them=them, health=health
    )
    _done(view, as_json, f"health {view.health or 'not rated'}")


@opp_app.command("next")
def opp_next(
    ctx: typer.Context,
    opp_id: OppId,
    title: Annotated[str, typer.Argument(help="The next step, e.g. 'send the proposal'.")],
    due: Annotated[str | None, typer.Option(help="When it is due (default today).")] = None,
    as_json: Json = False,
) -> None:
    """Set the next step: a task that shows in `today` (an open previous one is done)."""
    st = state(ctx)
    view = opp_service.set_next_step(st.actor, st.uow, opp_id, title, due)
    step = view.next_step
    _done(view, as_json, f"next step task #{step.id} due {step.due_local}" if step else "")


@opp_app.command("round")
def opp_round(
    ctx: typer.Context,
    opp_id: OppId,
    when: Annotated[str, typer.Option(help="When: YYYY-MM-DD or 'YYYY-MM-DD HH:MM'.")],
    with_: Annotated[list[str], typer.Option("--with", help="A person you met (repeatable).")],
    label: Annotated[str | None, typer.Option(help="e.g. 'phone screen', 'onsite'.")] = None,
    as_json: Json = False,
) -> None:
    """Record an interview round: a meeting with the people met."""
    st = state(ctx)
    view = job_search.add_interview_round(
        st.actor, st.uow, opp_id, when=when, people=with_, label=label
    )
    _done(view, as_json, f"interview round {view.rounds[-1].round if view.rounds else ''}")


@opp_app.command("referral")
def opp_referral(
    ctx: typer.Context,
    opp_id: OppId,
    asked: Annotated[str | None, typer.Option(help="When you asked for the referral.")] = None,
    received: Annotated[str | None, typer.Option(help="When you received it.")] = None,
    via: Annotated[
        str | None, typer.Option(help="Who referred you (a received ledger entry).")
    ] = None,
    as_json: Json = False,
) -> None:
    """Record the referral asked for and received for an application."""
    st = state(ctx)
    view = job_search.record_referral(
        st.actor, st.uow, opp_id, asked_on=asked, received_on=received, contact=via
    )
    _done(view, as_json, "referral recorded")


@opp_app.command("offer")
def opp_offer(
    ctx: typer.Context,
    opp_id: OppId,
    salary: Annotated[str | None, typer.Option(help="The yearly salary offered, exact.")] = None,
    currency: Currency = None,
    detail: Annotated[
        list[str] | None,
        typer.Option(
            help="An offer detail key=value, e.g. 'equity=0.1%' (repeatable; key= removes)."
        ),
    ] = None,
    as_json: Json = False,
) -> None:
    """Record the offer: salary and details."""
    st = state(ctx)
    details = dict(parse_custom_field(d) for d in detail or [])
    view = job_search.set_offer(
        st.actor,
        st.uow,
        opp_id,
        salary=salary,
        currency=currency,
        details={k: v or "" for k, v in details.items()},
    )
    offer = view.offer
    shown = format_money(offer.salary, offer.currency) if offer and offer.salary else "details"
    _done(view, as_json, f"offer {shown}")
    if not as_json and offer and offer.details:
        console.print(", ".join(f"{k}={v}" for k, v in offer.details.items()), highlight=False)
