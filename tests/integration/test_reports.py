"""Pipeline reports on both databases: the SQL equals the straightforward Python computation
over the same generated events; hand-built cases; windows; visibility."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from goodwill.domain import funnel as fm
from goodwill.errors import NotFound, ValidationFailed
from goodwill.services import ledger, reports
from goodwill.services.views import Ref
from tests.factories import make_contact, make_interaction, make_organization
from tests.pipeline_data import (
    JOB_SEARCH,
    SALES,
    T0,
    add_opportunity,
    add_pipeline,
    facts_and_moves,
    random_paths,
)

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(reports, "utcnow", lambda: NOW)
    return NOW


def _generate(uow, owner, teammate, seed: int, count: int = 70):
    """Random histories: most shared, some private to the owner, some the teammate's."""
    rng = random.Random(seed)
    with uow.write() as session:
        ids = add_pipeline(session, owner, "Sales")
        created = []
        for path in random_paths(rng, SALES, count, T0):
            who = rng.choice([owner, owner, owner, teammate])
            value = None if rng.random() < 0.1 else str(Decimal(rng.randrange(1, 10**9)) / 10_000)
            created.append(
                add_opportunity(
                    session,
                    who,
                    ids,
                    path,
                    value=value,
                    currency=rng.choice(["EUR", "USD", "JPY"]),
                    visibility="private" if rng.random() < 0.3 else "workspace",
                )
            )
    return ids, created


def _visible_ids(uow, actor, created):
    from goodwill.storage.schema import Opportunity

    with uow.read() as session:
        rows = session.query(Opportunity).filter(Opportunity.id.in_(created)).all()
        return [o.id for o in rows if o.owner_id == actor.user_id or o.visibility == "workspace"]


def _reference(uow, ids, opportunity_ids):
    with uow.read() as session:
        facts, moves = facts_and_moves(session, opportunity_ids)
    return facts, moves, fm.reference_funnel(ids.infos, facts, moves)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_funnel_sql_equals_python_reference(uow, owner, teammate, frozen, seed):
    ids, created = _generate(uow, owner, teammate, seed)
    for actor in (owner, teammate):
        seen = _visible_ids(uow, actor, created)
        facts, moves, expected = _reference(uow, ids, seen)
        report = reports.funnel_report(actor, uow)
        assert (report.total, report.open, report.won, report.lost) == (
            expected.total,
            expected.open,
            expected.won,
            expected.lost,
        )
        assert report.win_rate == (
            None if expected.win_rate is None else round(expected.win_rate, 4)
        )
        assert [(s.stage, s.reached, s.lost_here, s.open_now) for s in report.steps] == [
            (s.name, s.reached, s.lost_here, s.open_now) for s in expected.steps
        ]
        assert [s.conversion for s in report.steps] == [
            None if s.conversion is None else round(s.conversion, 4) for s in expected.steps
        ]
        medians = fm.stage_medians(fm.completed_stays(moves))
        by_name = {i.name: i.id for i in ids.infos}
        for step in report.steps[:-1]:
            n, med = medians.get(by_name[step.stage], (0, None))
            assert step.completed_stays == n
            assert step.median_days == (None if med is None else round(med / 86_400, 2))


@pytest.mark.parametrize("seed", [4, 5])
def test_aging_and_forecast_sql_equal_python_reference(uow, owner, teammate, frozen, seed):
    ids, created = _generate(uow, owner, teammate, seed)
    seen = _visible_ids(uow, owner, created)
    facts, moves, expected = _reference(uow, ids, seen)
    medians = fm.stage_medians(fm.completed_stays(moves))
    outcome = {i.id: i.outcome for i in ids.infos}
    starts: dict[int, datetime] = {}
    for m in moves:
        starts[m.opportunity_id] = max(starts.get(m.opportunity_id, m.at), m.at)
    aging = sorted(
        f.id
        for f in facts
        if outcome[f.stage_id] is None
        and f.stage_id in medians
        and fm.is_aging(
            fm.epoch_seconds(NOW) - fm.epoch_seconds(starts[f.id]), medians[f.stage_id][1]
        )
    )
    report = reports.aging_report(owner, uow)
    assert len(aging) <= reports.AGING_LIMIT
    assert report.aging == len(aging)
    assert sorted(i.opportunity.id for i in report.items) == aging
    for item in report.items:
        assert item.days_in_stage >= 2 * item.median_days - 0.01

    forecast = reports.forecast_report(owner, uow)
    probability = {i.id: i.probability for i in ids.infos}
    sums: dict[str, list[int]] = defaultdict(list)
    weighted: dict[str, Decimal] = defaultdict(Decimal)
    for f in facts:
        if outcome[f.stage_id] is None and f.value_e4 is not None:
            sums[f.currency].append(f.value_e4)
            weighted[f.currency] += Decimal(f.value_e4) * Decimal(repr(probability[f.stage_id]))
    won = [f for f in facts if outcome[f.stage_id] == "won"]
    cycle = (
        Decimal(sum(fm.epoch_seconds(f.closed_at) - fm.epoch_seconds(f.opened_at) for f in won))
        / len(won)
        / 86_400
        if won
        else None
    )
    assert [c.currency for c in forecast.currencies] == sorted(sums)
    for c in forecast.currencies:
        total = Decimal(sum(sums[c.currency])) / 10_000
        assert (c.open, c.value) == (len(sums[c.currency]), total)
        assert c.weighted == (weighted[c.currency] / 10_000).quantize(Decimal("0.01"))
        if cycle and expected.won + expected.lost:
            rate = Decimal(expected.won) / Decimal(expected.won + expected.lost)
            by_hand = len(sums[c.currency]) * (total / len(sums[c.currency])) * rate / cycle
            assert abs(c.velocity_per_day - by_hand) <= Decimal("0.01")
    assert forecast.open_without_value == sum(
        1 for f in facts if outcome[f.stage_id] is None and f.value_e4 is None
    )


def test_funnel_hand_computed_with_skips_and_backward_moves(uow, owner):
    with uow.write() as s:
        p = add_pipeline(s, owner, "Sales")
        add_opportunity(s, owner, p, "prospect@0 proposal@2 discovery@5 proposal@9 won@20")
        add_opportunity(s, owner, p, "prospect@0 discovery@4 lost@6")
        add_opportunity(
            s, owner, p, "discovery@0 negotiation@3 qualified-out@8", close_reason="order-takers"
        )
        add_opportunity(s, owner, p, "prospect@0")
    report = reports.funnel_report(owner, uow, pipeline="sales")
    assert [(s.stage, s.reached, s.lost_here, s.open_now) for s in report.steps] == [
        ("prospect", 4, 0, 1),
        ("discovery", 3, 1, 0),
        ("proposal", 2, 0, 0),
        ("negotiation", 2, 1, 0),
        ("won", 1, 0, 0),
    ]
    assert [s.conversion for s in report.steps] == [0.75, 0.6667, 1.0, 0.5, None]
    assert (report.won, report.lost, report.open, report.win_rate) == (1, 2, 1, 0.3333)
    # discovery stays: 4 days (deal 1), 2 days (deal 2), 3 days (deal 3): median 3
    assert [(s.completed_stays, s.median_days) for s in report.steps[:4]] == [
        (2, 3.0),  # prospect: 2 and 4 days (the deal still in it does not count)
        (3, 3.0),  # discovery: 4, 2 and 3 days
        (2, 7.0),  # proposal: 3 days, then 11 days
        (1, 5.0),
    ]
    assert ("qualified-out", "order-takers", 1) in [
        (r.stage, r.reason, r.count) for r in report.lost_reasons
    ]


def test_since_until_count_opportunities_opened_in_the_window(uow, owner):
    with uow.write() as s:
        p = add_pipeline(s, owner, "Sales")
        add_opportunity(s, owner, p, "prospect@0", start=datetime(2024, 3, 1, 10, tzinfo=UTC))
        add_opportunity(s, owner, p, "prospect@0", start=datetime(2024, 3, 31, 23, tzinfo=UTC))
        add_opportunity(s, owner, p, "prospect@0", start=datetime(2024, 4, 1, 1, tzinfo=UTC))
    assert reports.funnel_report(owner, uow, since="2024-03-01", until="2024-03-31").total == 2
    assert reports.funnel_report(owner, uow, since=date(2024, 3, 2)).total == 2
    with pytest.raises(ValidationFailed) as caught:
        reports.funnel_report(owner, uow, since="2024-04-02", until="2024-04-01")
    assert caught.value.field == "since"


def test_default_pipeline_is_the_first_of_the_fitting_kind(uow, owner):
    with uow.write() as s:
        jobs = add_pipeline(s, owner, "My search", "job_search", stages=JOB_SEARCH)
        sales = add_pipeline(s, owner, "Deals")
        add_opportunity(s, owner, sales, "prospect@0")
    assert reports.funnel_report(owner, uow).pipeline == Ref(jobs.id, "My search")
    assert reports.forecast_report(owner, uow).pipeline == Ref(sales.id, "Deals")
    assert reports.jobsearch_report(owner, uow).pipeline == Ref(jobs.id, "My search")
    assert reports.funnel_report(owner, uow, pipeline=f"#{sales.id}").total == 1
    assert reports.funnel_report(owner, uow, pipeline="deals").total == 1


def test_no_pipeline_and_unknown_pipeline_are_not_found(uow, owner):
    with pytest.raises(NotFound, match="no sales pipeline yet"):
        reports.forecast_report(owner, uow)
    with pytest.raises(NotFound, match="no job search yet"):
        reports.jobsearch_report(owner, uow)
    with pytest.raises(NotFound, match="no pipeline 'nope'"):
        reports.funnel_report(owner, uow, pipeline="nope")


def test_teammate_sees_no_private_pipeline_or_opportunity(uow, owner, teammate):
    with uow.write() as s:
        secret = add_pipeline(s, owner, "Secret deals", visibility="private")
        shared = add_pipeline(s, owner, "Team deals")
        add_opportunity(
            s, owner, shared, "prospect@0 won@3", title="private win", visibility="private"
        )
        add_opportunity(s, owner, shared, "prospect@0", title="shared one")
    for ref in (secret.id, f"#{secret.id}", "Secret deals"):
        with pytest.raises(NotFound):
            reports.funnel_report(teammate, uow, pipeline=ref)
    with pytest.raises(NotFound) as missing:
        reports.funnel_report(teammate, uow, pipeline=999_999)
    with pytest.raises(NotFound) as hidden:
        reports.funnel_report(teammate, uow, pipeline=secret.id)
    assert str(hidden.value) == str(missing.value).replace("999999", str(secret.id))
    seen = reports.funnel_report(teammate, uow, pipeline="Team deals")
    assert (seen.total, seen.won) == (1, 0)
    assert reports.attribution_report(teammate, uow, pipeline="Team deals").wins == 0
    assert reports.funnel_report(owner, uow, pipeline="Team deals").won == 1


def test_jobsearch_cost_of_delay_and_counts(uow, owner, monkeypatch):
    monkeypatch.setattr(reports, "utcnow", lambda: datetime(2024, 3, 11, 12, tzinfo=UTC))
    with uow.write() as s:
        p = add_pipeline(
            s, owner, "Search", "job_search", target_salary="104000", currency="EUR",
            started_on=date(2024, 1, 1),
        )  # fmt: skip
        add_opportunity(
            s,
            owner,
            p,
            "target@0 applied@3 screen@10 interviews@20 offer@30",
            referral_asked_on=date(2024, 1, 2),
            referral_received_on=date(2024, 1, 3),
        )
        add_opportunity(s, owner, p, "applied@5 rejected@12")
        add_opportunity(s, owner, p, "networking@0 offer@40 withdrawn@45")
        add_opportunity(s, owner, p, "target@1")
    report = reports.jobsearch_report(owner, uow)
    assert (report.applications, report.offers, report.accepted, report.open) == (3, 2, 0, 2)
    assert (report.referrals_asked, report.referrals_received) == (1, 1)
    cost = report.cost
    assert cost is not None
    assert cost.weekly_cost == Decimal("2000.00")
    assert cost.weeks_elapsed == Decimal("10.00")  # 70 days
    assert cost.forgone == Decimal("20000.00")
    assert cost.weeks_per_offer == Decimal("5.00")
    assert cost.projected_cost_to_next_offer == Decimal("10000.00")
    assert cost.projected_total == Decimal("30000.00")
    assert report.forgone_by_week[-1] == (Decimal(10), Decimal("20000.00"))


def test_jobsearch_without_salary_says_so(uow, owner):
    with uow.write() as s:
        p = add_pipeline(s, owner, "Search", "job_search")
        add_opportunity(s, owner, p, "target@0")
    report = reports.jobsearch_report(owner, uow)
    assert report.cost is None and "no target salary" in report.note


def test_attribution_stories_and_gave_first_against_cold(uow, owner):
    ann = make_contact(owner, uow, name="Ann Archer")
    bob = make_contact(owner, uow, name="Bob Baker")
    acme = make_organization(owner, uow, name="Acme")
    from goodwill.services import positions

    positions.add_position(owner, uow, bob.id, f"#{acme.id}")
    ledger.record_give(owner, uow, ann.id, "advice", on="2024-01-05")
    ledger.record_give(owner, uow, bob.id, "article", on="2024-02-01")
    make_interaction(owner, uow, ann.id, when="2023-12-01 10:00")
    make_interaction(owner, uow, ann.id, when="2024-01-06 10:00")
    make_interaction(owner, uow, ann.id, when="2024-03-01 10:00")
    start = datetime(2024, 1, 10, 9, tzinfo=UTC)
    with uow.write() as s:
        p = add_pipeline(s, owner, "Sales")
        won_ann = add_opportunity(s, owner, p, "prospect@0 won@30", start=start,
                                  contact_id=ann.id, value="5000", currency="EUR",
                                  source="referral", source_contact_id=bob.id)  # fmt: skip
        add_opportunity(s, owner, p, "prospect@0 lost@5", start=start, organization_id=acme.id)
        add_opportunity(s, owner, p, "prospect@0 lost@5", start=start + timedelta(days=30),
                        organization_id=acme.id)  # fmt: skip
        add_opportunity(s, owner, p, "prospect@0 won@5", start=start)
    report = reports.attribution_report(owner, uow)
    assert report.wins == 2
    story = next(st for st in report.stories if st.opportunity.id == won_ann)
    assert story.contact == Ref(ann.id, "Ann Archer")
    assert story.source_contact == Ref(bob.id, "Bob Baker")
    assert (story.first_touch, story.interactions_before) == (date(2023, 12, 1), 2)
    assert (story.gives_before, story.first_give, story.gave_first) == (1, date(2024, 1, 5), True)
    assert story.value == Decimal("5000.00")
    g, c = report.gave_first, report.cold
    # gave first: Ann's win, the second Acme deal (Bob got an article on Feb 1)
    assert (g.opportunities, g.won, g.lost, g.conversion) == (2, 1, 1, 0.5)
    assert (c.opportunities, c.won, c.lost, c.conversion) == (2, 1, 1, 0.5)


def test_attribution_redacts_a_private_contact_for_the_teammate(uow, owner, teammate):
    secret = make_contact(owner, uow, name="Sid Secret", visibility="private")
    with uow.write() as s:
        p = add_pipeline(s, owner, "Sales")
        add_opportunity(s, owner, p, "prospect@0 won@3", contact_id=secret.id)
    story = reports.attribution_report(teammate, uow).stories[0]
    assert story.contact == Ref(None, "a private contact")
