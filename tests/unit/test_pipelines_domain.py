"""Pipeline rules without a database: default stages, stage lists, plans for changing
them, moving and closing, money and currencies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goodwill.domain import pipelines as rules
from goodwill.domain.money import MONEY_MAX
from goodwill.domain.pipelines import (
    DEFAULT_STAGES,
    PipelineKind,
    StageOutcome,
    StageSpec,
    StoredStage,
)
from goodwill.errors import Conflict, ValidationFailed

WON, LOST = StageOutcome.WON, StageOutcome.LOST


def _names(kind: PipelineKind) -> list[tuple[str, float, str | None]]:
    return [(s.name, s.probability, s.outcome) for s in DEFAULT_STAGES[kind]]


def test_sales_default_stages():
    assert _names(PipelineKind.SALES) == [
        ("prospect", 0.1, None),
        ("discovery", 0.2, None),
        ("proposal", 0.5, None),
        ("negotiation", 0.75, None),
        ("won", 1.0, "won"),
        ("lost", 0.0, "lost"),
        ("qualified-out", 0.0, "lost"),
    ]


def test_job_search_default_stages():
    assert _names(PipelineKind.JOB_SEARCH) == [
        ("target", 0.02, None),
        ("networking", 0.05, None),
        ("applied", 0.1, None),
        ("screen", 0.2, None),
        ("interviews", 0.4, None),
        ("offer", 0.8, None),
        ("accepted", 1.0, "won"),
        ("rejected", 0.0, "lost"),
        ("withdrawn", 0.0, "lost"),
    ]


@pytest.mark.parametrize("kind", [PipelineKind.SALES, PipelineKind.JOB_SEARCH])
def test_default_stages_are_valid(kind):
    assert rules.check_stages(DEFAULT_STAGES[kind]) == list(DEFAULT_STAGES[kind])


def test_a_custom_pipeline_needs_its_stages():
    with pytest.raises(ValidationFailed, match="custom pipeline needs its stages"):
        rules.stages_for(PipelineKind.CUSTOM, None)


@pytest.mark.parametrize(
    ("text", "kind"),
    [("sales", "sales"), (" Job-Search ", "job_search"), ("job_search", "job_search")],
)
def test_parse_kind(text, kind):
    assert rules.parse_kind(text) == kind


def test_parse_kind_lists_the_choices():
    with pytest.raises(ValidationFailed) as caught:
        rules.parse_kind("crm")
    assert caught.value.field == "kind"
    assert "sales, job_search, custom" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("proposal:0.5", StageSpec("proposal", 3, 0.5)),
        ("Closed won:1:won", StageSpec("Closed won", 3, 1.0, WON)),
        ("gone:0:LOST", StageSpec("gone", 3, 0.0, LOST)),
        ("demo:25%", StageSpec("demo", 3, 0.25)),
        ("pilot:0.6@9", StageSpec("pilot", 9, 0.6)),
        ("ratio 1:2:0.3", StageSpec("ratio 1:2", 3, 0.3)),
        ("proposal=quote:0.4", StageSpec("quote", 3, 0.4, None, "proposal")),
    ],
)
def test_parse_stage(text, expected):
    assert rules.parse_stage(text, 3) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("proposal", "is not NAME:PROBABILITY"),
        ("proposal:high", "is not a number from 0 to 1"),
        ("proposal:1.5", "is not between 0 and 1"),
        ("proposal:nan", "is not between 0 and 1"),
        (":0.5", "must not be blank"),
        ("x" * 51 + ":0.5", "the limit is 50"),
    ],
)
def test_parse_stage_refuses(text, message):
    with pytest.raises(ValidationFailed, match=message):
        rules.parse_stage(text, 1)


def _spec(name, position, probability=0.5, outcome=None):
    return StageSpec(name, position, probability, outcome)


def test_check_stages_orders_by_position():
    stages = rules.check_stages([_spec("won", 9, 1, WON), _spec("b", 2), _spec("a", 1)])
    assert [s.name for s in stages] == ["a", "b", "won"]


def test_check_stages_order_collision_names_both_stages():
    with pytest.raises(ValidationFailed) as caught:
        rules.check_stages([_spec("lead", 1), _spec("demo", 1), _spec("won", 2, 1, WON)])
    assert caught.value.field == "stages"
    assert caught.value.reason == (
        "stage order collision: 'lead' and 'demo' are both at position 1"
    )


def test_check_stages_names_unique_ignoring_case_and_accents():
    with pytest.raises(ValidationFailed, match="'Démo' and 'demo' are the same stage name"):
        rules.check_stages([_spec("Démo", 1), _spec("demo", 2), _spec("won", 3, 1, WON)])


@pytest.mark.parametrize(
    ("stages", "message"),
    [
        ([], "needs stages"),
        ([_spec("won", 1, 1, WON)], "at least one open stage"),
        ([_spec("a", 1), _spec("lost", 2, 0, LOST)], "at least one won stage"),
        ([_spec("a", 1, 1.2), _spec("won", 2, 1, WON)], "not between 0 and 1"),
        ([_spec("a", 0), _spec("won", 2, 1, WON)], "position 0 is not from 1"),
    ],
)
def test_check_stages_refuses(stages, message):
    with pytest.raises(ValidationFailed, match=message):
        rules.check_stages(stages)


def _stored(*stages: tuple[int, str, str | None, int, int]) -> list[StoredStage]:
    return [
        StoredStage(i, name, n, 0.5, None if o is None else StageOutcome(o), used, now)
        for n, (i, name, o, used, now) in enumerate(stages, 1)
    ]


STORED = _stored(
    (10, "lead", None, 3, 1), (11, "demo", None, 0, 0), (12, "won", "won", 2, 2),
    (13, "lost", "lost", 0, 0),
)  # fmt: skip


def test_plan_stages_keeps_renames_adds_and_removes():
    new = [
        rules.parse_stage("Lead:0.2", 1),
        rules.parse_stage("demo=trial:0.3", 2),
        rules.parse_stage("proposal:0.6", 3),
        rules.parse_stage("won:1:won", 4),
    ]
    plan = rules.plan_stages(STORED, new)
    assert [(i, s.name, s.position) for i, s in plan.keep] == [
        (10, "Lead", 1),
        (11, "trial", 2),
        (12, "won", 4),
    ]
    assert [s.name for s in plan.add] == ["proposal"]
    assert plan.remove == [13]


def test_plan_stages_refuses_to_remove_a_stage_in_use():
    with pytest.raises(Conflict, match="stage 'lead' is in use by 3 opportunities"):
        rules.plan_stages(
            STORED, [rules.parse_stage("demo:0.1", 1), rules.parse_stage("won:1:won", 2)]
        )


def test_plan_stages_refuses_to_change_the_outcome_of_an_occupied_stage():
    with pytest.raises(Conflict, match="stage 'won' has 2 opportunities in it"):
        rules.plan_stages(
            STORED,
            [
                rules.parse_stage("lead:0.1", 1),
                rules.parse_stage("demo:0.1", 2),
                rules.parse_stage("won:1", 3),
                rules.parse_stage("closed:1:won", 4),
            ],
        )


def test_plan_stages_rename_of_an_unknown_stage_lists_the_stages():
    with pytest.raises(
        ValidationFailed, match="'pitch' is not a stage of this pipeline: lead, demo"
    ):
        rules.plan_stages(
            STORED, [rules.parse_stage("pitch=x:0.1", 1), rules.parse_stage("won:1:won", 2)]
        )


def test_find_stage_folds_and_lists_the_pipeline_stages_when_unknown():
    assert rules.find_stage(STORED, " DEMO ", "Sales").id == 11
    with pytest.raises(ValidationFailed) as caught:
        rules.find_stage(STORED, "closing", "Sales")
    assert caught.value.field == "stage"
    assert (
        caught.value.reason == "'closing' is not a stage of pipeline 'Sales': lead, demo, won, lost"
    )


def test_a_closed_opportunity_cannot_move():
    won, lead = STORED[2], STORED[0]
    with pytest.raises(Conflict, match=r"closed \(won, in stage 'won'\)"):
        rules.check_can_move(won, lead)
    with pytest.raises(Conflict, match="already in stage 'lead'"):
        rules.check_can_move(lead, lead)
    rules.check_can_move(STORED[1], lead)  # backward while open is fine


def test_qualify_out_prefers_the_qualified_out_stage_then_the_first_lost_one():
    sales = [
        StoredStage(i, s.name, s.position, s.probability, s.outcome)
        for i, s in enumerate(DEFAULT_STAGES[PipelineKind.SALES], 1)
    ]
    assert rules.qualify_out_stage(sales).name == "qualified-out"
    assert rules.qualify_out_stage(STORED).name == "lost"
    with pytest.raises(Conflict, match="no lost stage"):
        rules.qualify_out_stage(STORED[:3])


def test_move_times_stay_in_order_and_in_the_past():
    now = datetime(2024, 6, 1, 12, tzinfo=UTC)
    rules.check_move_time(now, now - timedelta(days=1), now)
    with pytest.raises(ValidationFailed, match="in the future"):
        rules.check_move_time(now + timedelta(seconds=1), None, now)
    with pytest.raises(ValidationFailed, match="before the opportunity's last move"):
        rules.check_move_time(now - timedelta(days=2), now - timedelta(days=1), now)


# -- money ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12000", Decimal("12000")),
        (" 12,000.50 ", Decimal("12000.50")),
        ("0.0001", Decimal("0.0001")),
        (7, Decimal(7)),
        (Decimal("1.5000"), Decimal("1.5")),
        ("1_000", Decimal(1000)),
    ],
)
def test_parse_money(value, expected):
    assert rules.parse_money(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "value: must not be negative"),
        (Decimal("-0.01"), "value: must not be negative"),
        ("1.00001", "more than 4 decimals"),
        ("twelve", "is not an amount"),
        ("NaN", "is not an amount"),
        ("Infinity", "is not an amount"),
        ("1e13", "must be at most"),
        (1.5, "not a float"),
    ],
)
def test_parse_money_refuses(value, message):
    with pytest.raises(ValidationFailed, match=message):
        rules.parse_money(value)


def test_negative_value_message_is_exact():
    with pytest.raises(ValidationFailed) as caught:
        rules.parse_money("-5")
    assert str(caught.value) == "value: must not be negative"


@given(st.decimals(min_value=0, max_value=MONEY_MAX, places=4, allow_nan=False))
def test_money_round_trips_exactly_through_ten_thousandths(amount):
    stored = rules.to_e4(rules.parse_money(amount))
    assert isinstance(stored, int)
    assert rules.from_e4(stored) == amount


@given(st.integers(min_value=0, max_value=10**16))
def test_stored_integers_round_trip(stored):
    assert rules.to_e4(rules.from_e4(stored)) == stored


def test_currency_codes():
    assert rules.parse_currency(" eur ") == "EUR"
    assert rules.parse_currency("JPY") == "JPY"
    for bad in ("XYZ", "EURO", "€", ""):
        with pytest.raises(ValidationFailed) as caught:
            rules.parse_currency(bad)
        assert caught.value.field == "currency"
    with pytest.raises(ValidationFailed) as caught:
        rules.parse_currency("XYZ")
    assert str(caught.value) == "currency: 'XYZ' is not an ISO 4217 code"


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        (Decimal("12000"), "USD", "12,000.00 USD"),
        (Decimal("1234567.5"), "EUR", "1,234,567.50 EUR"),
        (Decimal("0.1234"), "USD", "0.1234 USD"),
        (Decimal("5"), None, "5.00"),
        (None, "USD", ""),
    ],
)
def test_format_money(amount, currency, text):
    assert rules.format_money(amount, currency) == text


@pytest.mark.parametrize(
    ("parse", "value", "field"),
    [
        (rules.parse_source, "word of mouth", "source"),
        (rules.parse_health, "great", "health"),
        (rules.clean_flag, "x" * 201, "flag"),
        (rules.clean_flag, " ", "flag"),
        (rules.clean_reason, "", "reason"),
    ],
)
def test_choices_and_texts_are_refused_by_field(parse, value, field):
    with pytest.raises(ValidationFailed) as caught:
        parse(value)
    assert caught.value.field == field


def test_sources_and_health():
    assert [rules.parse_source(s) for s in ("Cold", "referral", "introduction")] == [
        "cold",
        "referral",
        "introduction",
    ]
    assert rules.parse_health(" WATCH ") == "watch"
    assert rules.clean_flag("  treats us as order-takers ") == "treats us as order-takers"


def test_offer_details_blank_value_removes():
    assert rules.clean_offer_details({"equity": " 0.1% ", "bonus": ""}) == {
        "equity": "0.1%",
        "bonus": None,
    }
