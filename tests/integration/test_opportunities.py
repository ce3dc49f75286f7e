"""Opportunities on both databases: every move an event (never an overwrite), closing for
good, qualify-out, referrals into the ledger, next steps into `today`, partnership health,
job-search steps, bad input that writes nothing, and visibility."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from goodwill.demo.generator import Owner, generate_network
from goodwill.demo.pipelines import PipelineStartIds, generate_pipelines
from goodwill.domain.dates import local_date_of
from goodwill.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from goodwill.services import (
    agenda,
    demo,
    interactions,
    job_search,
    ledger,
    opportunities,
    pipelines,
    tasks,
)
from goodwill.services.actor import utcnow
from goodwill.services.views import Ref, to_jsonable
from goodwill.storage.schema import LedgerEntry, Opportunity, OpportunityEvent, Task
from goodwill.storage.unit_of_work import UnitOfWork
from tests.factories import make_contact

DEMO_OWNER = Owner(workspace_id=1, user_id=1, visibility="private")


@pytest.fixture
def sales(owner, uow):
    return pipelines.create_pipeline(owner, uow, "Sales", "sales", currency="USD")


@pytest.fixture
def ann(owner, uow):
    return make_contact(owner, uow, name="Ann Archer")


def _counts(uow: UnitOfWork) -> tuple[int, ...]:
    with uow.read() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Opportunity, OpportunityEvent, LedgerEntry, Task)
        )


def _events(uow: UnitOfWork, opp_id: int) -> list[tuple[int, int | None, int | None, datetime]]:
    with uow.read() as session:
        return [
            (e.id, e.from_stage_id, e.to_stage_id, e.at)
            for e in session.scalars(
                select(OpportunityEvent)
                .where(OpportunityEvent.opportunity_id == opp_id)
                .order_by(OpportunityEvent.id)
            )
        ]


def _moves(view) -> list[tuple[str | None, str]]:
    return [(e.from_stage, e.to_stage) for e in view.events]


def test_add_opportunity_starts_at_the_first_stage_with_one_event(owner, uow, sales, ann):
    view = opportunities.add_opportunity(
        owner, uow, None, "Acme renewal", contact="Ann", organization="Acme", value="12,000.50"
    )
    assert (view.pipeline, view.stage, view.outcome, view.probability) == (
        Ref(sales.id, "Sales"), "prospect", None, 0.1,
    )  # fmt: skip
    assert view.contact == Ref(ann.id, "Ann Archer") and view.organization.label == "Acme"
    assert (view.value, view.currency, view.source) == (Decimal("12000.50"), "USD", "cold")
    assert _moves(view) == [(None, "prospect")]
    assert view.events[0].at == view.opened_at and view.closed_at is None
    assert view.next_step is None and view.source_ledger_id is None
    assert to_jsonable(view)["value"] == "12000.5"  # exact text, never a float
    json.dumps(to_jsonable(view))


def test_every_move_is_a_new_event_and_old_ones_never_change(owner, uow, sales):
    opp = opportunities.add_opportunity(owner, uow, "Sales", "Initech", stage="discovery")
    first = _events(uow, opp.id)
    opportunities.move_opportunity(owner, uow, opp.id, "negotiation", note="skipped proposal")
    opportunities.move_opportunity(owner, uow, opp.id, "proposal", note="back to pricing")
    after = _events(uow, opp.id)
    assert after[:1] == first and len(after) == 3
    shown = opportunities.show_opportunity(owner, uow, opp.id)
    assert _moves(shown) == [
        (None, "discovery"), ("discovery", "negotiation"), ("negotiation", "proposal"),
    ]  # fmt: skip
    assert [e.note for e in shown.events] == [None, "skipped proposal", "back to pricing"]
    assert shown.stage == "proposal" and shown.closed_at is None


def test_winning_closes_for_good_and_a_closed_opportunity_cannot_move(owner, uow, sales):
    opp = opportunities.add_opportunity(owner, uow, "Sales", "Acme")
    won = opportunities.move_opportunity(owner, uow, opp.id, "won", note="signed for a year")
    assert (won.outcome, won.close_reason) == ("won", "signed for a year")
    assert won.closed_at == won.events[-1].at
    before = _counts(uow)
    with pytest.raises(Conflict) as caught:
        opportunities.move_opportunity(owner, uow, opp.id, "prospect")
    assert "closed (won, in stage 'won')" in str(caught.value)
    with pytest.raises(Conflict):
        opportunities.qualify_out(owner, uow, opp.id, "too late")
    with pytest.raises(Conflict, match="no next step"):
        opportunities.set_next_step(owner, uow, opp.id, "upsell")
    assert _counts(uow) == before


def test_moving_to_an_unknown_stage_lists_the_stages_and_writes_nothing(owner, uow, sales):
    opp = opportunities.add_opportunity(owner, uow, "Sales", "Acme")
    before = _counts(uow)
    with pytest.raises(ValidationFailed) as caught:
        opportunities.move_opportunity(owner, uow, opp.id, "closing")
    assert caught.value.field == "stage"
    assert caught.value.reason == (
        "'closing' is not a stage of pipeline 'Sales': prospect, discovery, proposal, "
        "negotiation, won, lost, qualified-out"
    )
    assert _counts(uow) == before


def test_move_times_stay_in_order(owner, uow, sales):
    opened = datetime.now(UTC) - timedelta(days=30)
    opp = opportunities.add_opportunity(owner, uow, "Sales", "Acme", opened_at=opened)
    moved = opportunities.move_opportunity(
        owner, uow, opp.id, "discovery", at=opened + timedelta(days=3)
    )
    assert moved.events[-1].at == opened + timedelta(days=3)
    with pytest.raises(ValidationFailed, match="before the opportunity's last move"):
        opportunities.move_opportunity(owner, uow, opp.id, "proposal", at=opened)
    with pytest.raises(ValidationFailed, match="in the future"):
        opportunities.move_opportunity(owner, uow, opp.id, "proposal", at="+2d")
    with pytest.raises(ValidationFailed, match="in the future"):
        opportunities.add_opportunity(owner, uow, "Sales", "Later", opened_at="+1d")


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"value": "-5"}, "value", "must not be negative"),
        ({"value": "5", "currency": "XYZ"}, "currency", "'XYZ' is not an ISO 4217 code"),
        ({"stage": "closing"}, "stage", "is not a stage of pipeline 'Sales'"),
        ({"source": "friend"}, "source", "is not one of cold, referral"),
        ({"source_contact": "Ann"}, "source_contact", "only a referral or introduction"),
        ({"next_due": "tomorrow"}, "next_due", "give the next step itself too"),
        ({"introduction_id": 1}, "introduction_id", "goes with the source introduction"),
        ({"stage": "won", "next_step": "upsell"}, "next_step", "'won' closes it"),
    ],
)
def test_bad_opportunity_input_is_refused_and_writes_nothing(
    owner, uow, sales, ann, kwargs, field, message
):
    with pytest.raises(ValidationFailed) as caught:
        opportunities.add_opportunity(owner, uow, "Sales", "Acme", **kwargs)
    assert caught.value.field == field and message in caught.value.reason
    assert _counts(uow) == (0, 0, 0, 0)


def test_a_value_needs_a_currency(owner, uow):
    pipelines.create_pipeline(owner, uow, "No currency", "sales")
    with pytest.raises(ValidationFailed, match="a value needs its currency"):
        opportunities.add_opportunity(owner, uow, None, "Acme", value=100)
    view = opportunities.add_opportunity(owner, uow, None, "Acme", value=100, currency="eur")
    assert (view.value, view.currency) == (Decimal(100), "EUR")


def test_qualify_out_moves_to_qualified_out_with_the_reason(owner, uow, sales):
    opp = opportunities.add_opportunity(owner, uow, "Sales", "Order-takers Inc")
    with pytest.raises(ValidationFailed):
        opportunities.qualify_out(owner, uow, opp.id, "  ")
    out = opportunities.qualify_out(owner, uow, opp.id, "treats us as order-takers")
    assert (out.stage, out.outcome, out.close_reason) == (
        "qualified-out", "lost", "treats us as order-takers",
    )  # fmt: skip
    assert out.events[-1].note == "treats us as order-takers"


def test_qualify_out_of_a_custom_pipeline_uses_its_first_lost_stage(owner, uow):
    pipelines.create_pipeline(
        owner,
        uow,
        "Partners",
        "custom",
        stages=["talk:0.1", "yes:1:won", "no:0:lost", "gone:0:lost"],
    )
    opp = opportunities.add_opportunity(owner, uow, "Partners", "Globex")
    assert opportunities.qualify_out(owner, uow, opp.id, "not a fit").stage == "no"


def test_a_referral_received_is_a_received_ledger_entry(owner, uow, sales, ann):
    rita = make_contact(owner, uow, name="Rita Referrer")
    opened = datetime.now(UTC) - timedelta(days=3)
    view = opportunities.add_opportunity(
        owner, uow, "Sales", "Acme", contact=ann.id, source="referral", source_contact="Rita",
        opened_at=opened,
    )  # fmt: skip
    assert view.source_contact == Ref(rita.id, "Rita Referrer")
    [entry] = ledger.list_ledger(owner, uow)
    assert entry.id == view.source_ledger_id
    assert (entry.direction, entry.kind, entry.counterpart, entry.related) == (
        "received", "referral", Ref(rita.id, "Rita Referrer"), Ref(ann.id, "Ann Archer"),
    )  # fmt: skip
    assert entry.occurred_on == local_date_of(opened, owner.tz)
    assert ledger.ledger_balance(owner, uow, rita.id).received_weight == 1


def test_an_introduction_received_is_a_received_ledger_entry(owner, uow, sales, ann):
    view = opportunities.add_opportunity(
        owner, uow, "Sales", "Acme", source="introduction", source_contact=ann.id
    )
    [entry] = ledger.list_ledger(owner, uow)
    assert (entry.id, entry.kind, entry.related) == (view.source_ledger_id, "introduction", None)


def test_next_step_is_a_task_in_today_and_closing_completes_it(owner, uow, sales, ann):
    view = opportunities.add_opportunity(
        owner, uow, "Sales", "Acme", contact=ann.id, next_step="send the proposal"
    )
    step = view.next_step
    assert step.title == "send the proposal — Acme" and step.contact == Ref(ann.id, "Ann Archer")
    assert step.due_local == local_date_of(utcnow(), owner.tz).isoformat()
    assert [t.id for t in agenda.today_agenda(owner, uow).due_today] == [step.id]
    replaced = opportunities.set_next_step(owner, uow, view.id, "call about pricing", "+3d")
    assert replaced.next_step.id != step.id and replaced.next_step.all_day
    assert [t.id for t in tasks.list_tasks(owner, uow)] == [replaced.next_step.id]
    assert agenda.today_agenda(owner, uow).due_today == []
    lost = opportunities.move_opportunity(owner, uow, view.id, "lost", note="no budget")
    assert lost.next_step.done_at is not None
    assert tasks.list_tasks(owner, uow) == []


def test_notes_partnership_and_red_flags(owner, uow, sales):
    opp = opportunities.add_opportunity(owner, uow, "Sales", "Globex")
    opportunities.add_opportunity_note(owner, uow, opp.id, "They want a pilot first")
    with pytest.raises(ValidationFailed):
        opportunities.set_partnership(owner, uow, opp.id)
    with pytest.raises(ValidationFailed, match="is not one of good, watch, poor"):
        opportunities.set_partnership(owner, uow, opp.id, health="great")
    opportunities.set_partnership(
        owner, uow, opp.id, benefit_us="a reference customer", benefit_them="faster onboarding"
    )
    rated = opportunities.set_partnership(owner, uow, opp.id, health="watch")
    assert (rated.health, rated.benefit_us, rated.benefit_them) == (
        "watch", "a reference customer", "faster onboarding",
    )  # fmt: skip
    with pytest.raises(ValidationFailed, match="is in the future"):
        opportunities.flag_opportunity(owner, uow, opp.id, "late payment", on="+1d")
    with pytest.raises(ValidationFailed, match="the limit is 200"):
        opportunities.flag_opportunity(owner, uow, opp.id, "x" * 201)
    flagged = opportunities.flag_opportunity(
        owner, uow, opp.id, "late payment", evidence="invoice 60 days late", on="2024-03-01"
    )
    [flag] = flagged.red_flags
    assert (flag.flagged_on, flag.flag, flag.evidence) == (
        date(2024, 3, 1), "late payment", "invoice 60 days late",
    )  # fmt: skip
    assert [n.text for n in flagged.notes] == ["They want a pilot first"]
    assert _moves(flagged) == [(None, "prospect")]  # a note is no stage move


def test_list_opportunities_filters(owner, uow, sales):
    jobs = pipelines.create_pipeline(owner, uow, "Jobs", "job_search")
    a = opportunities.add_opportunity(owner, uow, "Sales", "A")
    b = opportunities.add_opportunity(owner, uow, "Sales", "B", stage="proposal")
    c = opportunities.add_opportunity(owner, uow, "Jobs", "C")
    opportunities.move_opportunity(owner, uow, a.id, "won")

    def ids(**kwargs):
        return [o.id for o in opportunities.list_opportunities(owner, uow, **kwargs)]

    assert sorted(ids()) == sorted([a.id, b.id, c.id])
    assert sorted(ids(pipeline="Sales")) == sorted([a.id, b.id])
    assert ids(pipeline="Sales", open_only=True) == [b.id]
    assert ids(stage="won") == [a.id]  # a stage without a pipeline: the first pipeline
    assert ids(pipeline=jobs.id, stage="target") == [c.id]
    with pytest.raises(ValidationFailed, match="'prospect' is not a stage of pipeline 'Jobs'"):
        ids(pipeline="Jobs", stage="prospect")


def test_job_search_referral_rounds_and_offer(owner, uow, ann):
    pipelines.create_pipeline(owner, uow, "Jobs", "job_search", currency="EUR")
    ben = make_contact(owner, uow, name="Ben Boss")
    opp = opportunities.add_opportunity(owner, uow, "Jobs", "Staff engineer", contact=ben.id)
    with pytest.raises(ValidationFailed, match="before it was asked"):
        job_search.record_referral(
            owner, uow, opp.id, asked_on="2024-05-10", received_on="2024-05-01"
        )
    view = job_search.record_referral(
        owner, uow, opp.id, asked_on="2024-05-01", received_on="2024-05-04", contact="Ann"
    )
    assert (view.referral_asked_on, view.referral_received_on) == (
        date(2024, 5, 1),
        date(2024, 5, 4),
    )
    [entry] = ledger.list_ledger(owner, uow)
    assert (entry.id, entry.kind, entry.direction) == (
        view.source_ledger_id,
        "referral",
        "received",
    )
    assert (entry.counterpart.id, entry.occurred_on) == (ann.id, date(2024, 5, 4))
    with pytest.raises(Conflict, match="already has its referral in the ledger"):
        job_search.record_referral(owner, uow, opp.id, received_on="2024-05-05", contact="Ann")

    first = job_search.add_interview_round(
        owner, uow, opp.id, when="2024-05-20 10:00", people=[ben.id], label="phone screen"
    )
    second = job_search.add_interview_round(
        owner, uow, opp.id, when="2024-05-27", people=["Ben", ann.id]
    )
    assert [(r.round, r.label) for r in second.rounds] == [(1, "phone screen"), (2, None)]
    assert [p.label for p in second.rounds[1].people] == ["Ann Archer", "Ben Boss"]
    [meeting] = interactions.contact_timeline(owner, uow, ben.id)[-1:]
    assert meeting.id == first.rounds[0].interaction_id and meeting.channel == "meeting"
    assert len(interactions.contact_timeline(owner, uow, ben.id)) == 2
    with pytest.raises(ValidationFailed, match="name at least one person"):
        job_search.add_interview_round(owner, uow, opp.id, when="2024-05-28", people=[])

    offer = job_search.set_offer(
        owner, uow, opp.id, salary="150,000.50", details={"equity": "0.1%", "remote": "yes"}
    ).offer
    assert (offer.salary, offer.currency) == (Decimal("150000.50"), "EUR")
    assert offer.details == {"equity": "0.1%", "remote": "yes"}
    changed = job_search.set_offer(owner, uow, opp.id, details={"remote": "", "bonus": "10%"}).offer
    assert changed.salary == Decimal("150000.50")
    assert changed.details == {"bonus": "10%", "equity": "0.1%"}
    with pytest.raises(ValidationFailed, match="salary: must not be negative"):
        job_search.set_offer(owner, uow, opp.id, salary="-1")


def test_an_offered_salary_needs_a_currency(owner, uow):
    pipelines.create_pipeline(owner, uow, "Jobs", "job_search")
    opp = opportunities.add_opportunity(owner, uow, "Jobs", "Engineer")
    with pytest.raises(ValidationFailed, match="needs its currency"):
        job_search.set_offer(owner, uow, opp.id, salary=100_000)
    assert (
        job_search.set_offer(owner, uow, opp.id, salary=100_000, currency="chf").offer.currency
        == "CHF"
    )


def test_a_teammate_never_sees_a_private_opportunity(owner, uow, teammate):
    pipelines.create_pipeline(owner, uow, "Team", "sales", visibility="workspace")
    secret = opportunities.add_opportunity(owner, uow, "Team", "Secret deal", visibility="private")
    shared = opportunities.add_opportunity(
        owner, uow, "Team", "Shared deal", visibility="workspace"
    )
    assert [o.id for o in opportunities.list_opportunities(teammate, uow)] == [shared.id]
    with pytest.raises(NotFound) as hidden:
        opportunities.show_opportunity(teammate, uow, secret.id)
    with pytest.raises(NotFound) as missing:
        opportunities.show_opportunity(teammate, uow, 999_999)
    assert str(hidden.value) == str(missing.value).replace("999999", str(secret.id))
    for call in (
        lambda r: opportunities.move_opportunity(teammate, uow, r, "won"),
        lambda r: opportunities.add_opportunity_note(teammate, uow, r, "x"),
        lambda r: job_search.set_offer(teammate, uow, r, salary=1),
    ):
        with pytest.raises(NotFound):
            call(secret.id)
        with pytest.raises(PermissionDenied):
            call(shared.id)
    assert pipelines.pipeline_stages(teammate, uow, "Team").open_opportunities == 1


def test_an_opportunity_with_a_private_person_is_private_and_redacted_if_shared(
    owner, uow, teammate
):
    pipelines.create_pipeline(owner, uow, "Team", "sales", visibility="workspace")
    secret_person = make_contact(owner, uow, name="Private Person", visibility="private")
    default = opportunities.add_opportunity(owner, uow, "Team", "Deal", contact=secret_person.id)
    assert default.visibility == "private"
    shared = opportunities.add_opportunity(
        owner, uow, "Team", "Deal 2", contact=secret_person.id, visibility="workspace"
    )
    seen = opportunities.show_opportunity(teammate, uow, shared.id)
    assert seen.contact == Ref(None, "a private contact")
    assert "Private Person" not in json.dumps(to_jsonable(seen))


def test_demo_builds_a_believable_sales_pipeline_and_job_search(owner, uow):
    summary = demo.build_demo(owner, uow, contacts=40, seed=3)
    assert (summary.pipelines, summary.opportunities) == (2, 35)
    sales, jobs = pipelines.list_pipelines(owner, uow)
    assert (sales.kind, jobs.kind) == ("sales", "job_search")
    # Every stage holds something, but the search is still on: nothing accepted yet.
    assert all(s.opportunities for s in sales.stages)
    assert [s.name for s in jobs.stages if not s.opportunities] == ["accepted"]
    views = [
        opportunities.show_opportunity(owner, uow, o.id)
        for o in opportunities.list_opportunities(owner, uow, limit=100)
    ]
    positions = {s.name: s.position for p in (sales, jobs) for s in p.stages}
    steps = [[positions[e.to_stage] for e in v.events] for v in views]
    assert any(b < a for path in steps for a, b in zip(path, path[1:], strict=False))  # back
    assert any(b > a + 1 for path in steps for a, b in zip(path, path[1:], strict=False))  # skip
    closed = [v for v in views if v.outcome]
    assert closed and all(v.close_reason and v.closed_at == v.events[-1].at for v in closed)
    assert {v.stage for v in closed} >= {"won", "lost", "qualified-out", "rejected", "withdrawn"}
    assert any(v.stage == "offer" and v.offer and not v.outcome for v in views)  # pending
    sourced = [v for v in views if v.source in {"referral", "introduction"}]
    entries = {e.id: e for e in ledger.list_ledger(owner, uow, limit=10_000)}
    assert sourced and all(
        entries[v.source_ledger_id].counterpart.id == v.source_contact.id
        and entries[v.source_ledger_id].direction == "received"
        for v in sourced
    )
    assert any(v.red_flags for v in views) and any(v.health for v in views)
    assert any(v.rounds for v in views) and any(v.offer for v in views)
    assert all(v.next_step for v in views if not v.outcome and v.stage != "target")
    assert all(v.opened_at <= e.at for v in views for e in v.events)
    assert jobs.target_salary == Decimal(160_000) and jobs.started_on is not None


def test_demo_pipelines_are_the_same_for_the_same_seed():
    now = datetime(2024, 6, 1, 12, tzinfo=UTC)
    network = generate_network(30, 5, now, DEMO_OWNER)
    base = {"workspace_id": 1, "owner_id": 1, "visibility": "private", "created_at": now,
            "updated_at": now, "deleted_at": None}  # fmt: skip

    def rows(seed):
        return generate_pipelines(
            network.contacts, network.positions, network.organizations, seed, now, base, "UTC",
            PipelineStartIds(),
        )  # fmt: skip

    assert rows(5) == rows(5)
    assert rows(5).events != rows(6).events
    assert max(e["at"] for e in rows(5).events) <= now
