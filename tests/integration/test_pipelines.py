"""Pipelines on both databases: default and own stages, changing stages, deleting, the bad
input of the issue (clear error, nothing written) and visibility between teammates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from goodwill.domain.dates import local_date_of
from goodwill.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from goodwill.services import opportunities, pipelines
from goodwill.services.actor import utcnow
from goodwill.storage.schema import Opportunity, OpportunityEvent, Pipeline, PipelineStage
from goodwill.storage.unit_of_work import UnitOfWork


def _counts(uow: UnitOfWork) -> tuple[int, ...]:
    with uow.read() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Pipeline, PipelineStage, Opportunity, OpportunityEvent)
        )


def _stages(view) -> list[tuple[str, float, str | None]]:
    return [(s.name, s.probability, s.outcome) for s in view.stages]


def test_create_sales_pipeline_gets_the_default_stages(owner, uow):
    view = pipelines.create_pipeline(owner, uow, "Sales", "sales", currency="usd")
    assert (view.name, view.kind, view.currency, view.visibility) == (
        "Sales",
        "sales",
        "USD",
        "private",
    )
    assert [s.name for s in view.stages] == [
        "prospect", "discovery", "proposal", "negotiation", "won", "lost", "qualified-out",
    ]  # fmt: skip
    assert [s.position for s in view.stages] == [1, 2, 3, 4, 5, 6, 7]
    assert (view.opportunities, view.open_opportunities) == (0, 0)
    assert pipelines.list_pipelines(owner, uow) == [view]


def test_create_job_search_keeps_the_target_salary_exactly(owner, uow):
    view = pipelines.create_pipeline(
        owner, uow, "Job hunt", "job-search", target_salary="123,456.7891", currency="EUR",
        started_on="2024-01-15",
    )  # fmt: skip
    assert view.kind == "job_search"
    assert view.target_salary == Decimal("123456.7891")
    assert (view.currency, view.started_on) == ("EUR", date(2024, 1, 15))
    assert _stages(view)[-3:] == [("accepted", 1.0, "won"), ("rejected", 0.0, "lost"),
                                  ("withdrawn", 0.0, "lost")]  # fmt: skip
    started = pipelines.create_pipeline(owner, uow, "Second search", "job_search")
    assert started.started_on == local_date_of(utcnow(), owner.tz)


def test_create_custom_pipeline_with_own_stages(owner, uow):
    view = pipelines.create_pipeline(
        owner,
        uow,
        "Partners",
        "custom",
        stages=["talk:0.1", "pilot:0.4", "signed:1:won", "no:0:lost"],
    )
    assert _stages(view) == [
        ("talk", 0.1, None), ("pilot", 0.4, None), ("signed", 1.0, "won"), ("no", 0.0, "lost"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"kind": "custom"}, "stages", "a custom pipeline needs its stages"),
        ({"kind": "sales", "currency": "XYZ"}, "currency", "'XYZ' is not an ISO 4217 code"),
        ({"kind": "job_search", "target_salary": "-1", "currency": "EUR"}, "target_salary",
         "must not be negative"),
        ({"kind": "job_search", "target_salary": "90000"}, "currency", "a target salary needs"),
        ({"kind": "custom", "stages": ["lead:0.1", "demo:0.3@1", "won:1:won"]}, "stages",
         "stage order collision: 'lead' and 'demo' are both at position 1"),
        ({"kind": "custom", "stages": ["lead:0.1", "lost:0:lost"]}, "stages", "won stage"),
        ({"kind": "crm"}, "kind", "is not one of sales, job_search, custom"),
        ({"kind": "sales", "started_on": "+3d"}, "started_on", "is in the future"),
    ],
)  # fmt: skip
def test_bad_pipeline_input_is_refused_and_writes_nothing(owner, uow, kwargs, field, message):
    kwargs = dict(kwargs)  # the same parameters run on each database
    kind = kwargs.pop("kind")
    with pytest.raises(ValidationFailed) as caught:
        pipelines.create_pipeline(owner, uow, "Deals", kind, **kwargs)
    assert caught.value.field == field
    assert message in caught.value.reason
    assert _counts(uow) == (0, 0, 0, 0)


def test_pipeline_names_are_unique_per_user(owner, uow, teammate):
    pipelines.create_pipeline(owner, uow, "Sales", "sales")
    with pytest.raises(Conflict, match="you already have a pipeline named 'Sales'"):
        pipelines.create_pipeline(owner, uow, " sales ", "custom", stages=["a:0.1", "b:1:won"])
    assert pipelines.create_pipeline(teammate, uow, "Sales", "sales").name == "Sales"


def test_pipeline_stages_defaults_to_the_first_pipeline_and_finds_by_name(owner, uow):
    with pytest.raises(NotFound, match="no pipeline yet"):
        pipelines.pipeline_stages(owner, uow)
    first = pipelines.create_pipeline(owner, uow, "Sales", "sales")
    second = pipelines.create_pipeline(owner, uow, "Job search", "job_search")
    assert pipelines.pipeline_stages(owner, uow).id == first.id
    assert pipelines.pipeline_stages(owner, uow, "JOB SEARCH").id == second.id
    assert pipelines.pipeline_stages(owner, uow, f"#{second.id}").id == second.id
    assert pipelines.pipeline_stages(owner, uow, second.id).id == second.id
    with pytest.raises(NotFound, match="no pipeline named 'Partners'"):
        pipelines.pipeline_stages(owner, uow, "Partners")


def test_set_stages_renames_reorders_adds_and_removes_unused(owner, uow):
    view = pipelines.create_pipeline(owner, uow, "Sales", "sales")
    ids = {s.name: s.id for s in view.stages}
    opp = opportunities.add_opportunity(owner, uow, "Sales", "Acme", stage="discovery")
    changed = pipelines.set_stages(
        owner, uow, "Sales",
        ["discovery=qualify:0.25@2", "prospect:0.05@1", "proposal:0.6@4", "demo:0.55@3",
         "negotiation:0.8@5", "won:1:won@6", "lost:0:lost@7"],
    )  # fmt: skip
    assert _stages(changed) == [
        ("prospect", 0.05, None), ("qualify", 0.25, None), ("demo", 0.55, None),
        ("proposal", 0.6, None), ("negotiation", 0.8, None), ("won", 1.0, "won"),
        ("lost", 0.0, "lost"),
    ]  # fmt: skip
    by_name = {s.name: s for s in changed.stages}
    # A rename keeps the stage (and the opportunity in it).
    assert by_name["qualify"].id == ids["discovery"] and by_name["qualify"].opportunities == 1
    assert opportunities.show_opportunity(owner, uow, opp.id).stage == "qualify"
    assert "qualified-out" not in by_name


def test_set_stages_can_swap_two_stages(owner, uow):
    pipelines.create_pipeline(owner, uow, "P", "custom", stages=["a:0.1", "b:0.2", "w:1:won"])
    view = pipelines.set_stages(owner, uow, "P", ["b:0.2", "a:0.1", "w:1:won"])
    assert [s.name for s in view.stages] == ["b", "a", "w"]


def test_set_stages_refuses_to_remove_a_stage_in_use_and_changes_nothing(owner, uow):
    pipelines.create_pipeline(owner, uow, "Sales", "sales")
    opp = opportunities.add_opportunity(owner, uow, None, "Acme")
    opportunities.move_opportunity(owner, uow, opp.id, "proposal")
    before = pipelines.pipeline_stages(owner, uow)
    # 'prospect' holds nothing now, but the opportunity passed through it.
    with pytest.raises(Conflict, match="stage 'prospect' is in use by 1 opportunity"):
        pipelines.set_stages(owner, uow, "Sales", ["proposal:0.5", "won:1:won", "lost:0:lost",
                                                   "discovery:0.2", "negotiation:0.7"])  # fmt: skip
    with pytest.raises(ValidationFailed, match="stage order collision"):
        pipelines.set_stages(owner, uow, "Sales", ["prospect:0.1", "proposal:0.5@1", "won:1:won"])
    assert pipelines.pipeline_stages(owner, uow) == before


def test_delete_pipeline_without_opportunities(owner, uow):
    view = pipelines.create_pipeline(owner, uow, "Sales", "sales")
    ref = pipelines.delete_pipeline(owner, uow, "sales")
    assert (ref.id, ref.label) == (view.id, "Sales")
    assert pipelines.list_pipelines(owner, uow) == []
    assert _counts(uow) == (0, 0, 0, 0)


def test_delete_pipeline_with_opportunities_is_refused_and_deletes_nothing(owner, uow):
    pipelines.create_pipeline(owner, uow, "Sales", "sales")
    for title in ("Acme", "Initech"):
        opportunities.add_opportunity(owner, uow, "Sales", title)
    before = _counts(uow)
    with pytest.raises(Conflict) as caught:
        pipelines.delete_pipeline(owner, uow, "Sales")
    assert str(caught.value) == "pipeline 'Sales' has 2 opportunities"
    assert _counts(uow) == before


def test_teammate_never_sees_a_private_pipeline(owner, uow, teammate):
    secret = pipelines.create_pipeline(owner, uow, "Secret deals", "sales", visibility="private")
    shared = pipelines.create_pipeline(owner, uow, "Team deals", "sales", visibility="workspace")
    assert [p.id for p in pipelines.list_pipelines(teammate, uow)] == [shared.id]
    for ref, missing in ((secret.id, 999_999), (f"#{secret.id}", "#999999")):
        with pytest.raises(NotFound) as hidden:
            pipelines.pipeline_stages(teammate, uow, ref)
        with pytest.raises(NotFound) as absent:
            pipelines.pipeline_stages(teammate, uow, missing)
        assert str(hidden.value) == str(absent.value).replace("999999", str(secret.id))
    with pytest.raises(NotFound, match="no pipeline named 'Secret deals'"):
        pipelines.pipeline_stages(teammate, uow, "Secret deals")
    # Without a name, a teammate's "first pipeline" is their own, never someone else's.
    with pytest.raises(NotFound, match="no pipeline yet"):
        opportunities.add_opportunity(teammate, uow, None, "Mine")


def test_teammate_may_see_but_not_change_a_shared_pipeline(owner, uow, teammate):
    pipelines.create_pipeline(owner, uow, "Team deals", "sales", visibility="workspace")
    assert pipelines.pipeline_stages(teammate, uow, "Team deals").name == "Team deals"
    with pytest.raises(PermissionDenied):
        pipelines.set_stages(teammate, uow, "Team deals", ["a:0.1", "won:1:won"])
    with pytest.raises(PermissionDenied):
        pipelines.delete_pipeline(teammate, uow, "Team deals")
    with pytest.raises(PermissionDenied):
        opportunities.add_opportunity(teammate, uow, "Team deals", "Sneaky")
    assert _counts(uow)[0] == 1
