"""`goodwill report …` and `goodwill goal …` end to end: tables, JSON, charts, bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from goodwill.services import accounts
from goodwill.storage.engine import make_engine
from goodwill.storage.unit_of_work import UnitOfWork
from tests.e2e.cli import as_json, ok
from tests.pipeline_data import JOB_SEARCH, add_opportunity, add_pipeline


def refused(result, code: int, fragment: str):
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stderr.startswith("error: ") and fragment in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    return result


@pytest.fixture
def seeded(gw, fresh_url):
    """A sales pipeline and a job search, written straight into the CLI's database."""
    ok(gw("contact", "add", "Ann Archer"))
    engine = make_engine(fresh_url)
    uow = UnitOfWork.for_engine(engine)
    actor = accounts.local_actor(uow)
    start = datetime.now(UTC) - timedelta(days=60)
    with uow.write() as s:
        sales = add_pipeline(s, actor, "Sales")
        add_opportunity(s, actor, sales, "prospect@0 discovery@2 proposal@5 won@9", start=start,
                        title="Acme rollout", value="12000", currency="EUR")  # fmt: skip
        add_opportunity(s, actor, sales, "prospect@0 proposal@3 lost@4", start=start,
                        close_reason="no budget", value="500", currency="EUR")  # fmt: skip
        add_opportunity(s, actor, sales, "prospect@0 discovery@1", start=start,
                        title="Stuck deal", value="2000", currency="USD")  # fmt: skip
        jobs = add_pipeline(s, actor, "Search", "job_search", stages=JOB_SEARCH,
                            target_salary="104000", currency="EUR",
                            started_on=datetime.now(UTC).date() - timedelta(days=70))  # fmt: skip
        add_opportunity(s, actor, jobs, "target@0 applied@2 offer@20", start=start)
    engine.dispose()
    return gw


def test_report_funnel_table_and_json(seeded):
    text = ok(seeded("report", "funnel", "--pipeline", "Sales")).stdout
    assert "Funnel: Sales" in text and "prospect" in text and "no budget" in text
    data = as_json(seeded("report", "funnel", "--pipeline", "Sales", "--json"))
    assert [(s["stage"], s["reached"]) for s in data["steps"]] == [
        ("prospect", 3),
        ("discovery", 3),
        ("proposal", 2),
        ("negotiation", 1),
        ("won", 1),
    ]
    assert (data["won"], data["lost"], data["win_rate"]) == (1, 1, 0.5)


def test_report_forecast_aging_attribution_json(seeded):
    forecast = as_json(seeded("report", "forecast", "--json"))
    assert [(c["currency"], c["value"], c["weighted"]) for c in forecast["currencies"]] == [
        ("USD", "2000.00", "400.00")
    ]
    aging = as_json(seeded("report", "aging", "--pipeline", "Sales", "--json"))
    assert [i["opportunity"]["label"] for i in aging["items"]] == ["Stuck deal"]
    attribution = as_json(seeded("report", "attribution", "--json"))
    assert attribution["wins"] == 1 and attribution["stories"][0]["value"] == "12000.00"
    assert "Acme rollout" in ok(seeded("report", "attribution")).stdout


def test_report_jobsearch_shows_the_cost_of_delay(seeded):
    data = as_json(seeded("report", "jobsearch", "--json"))
    assert data["cost"]["weekly_cost"] == "2000.00"
    assert data["cost"]["forgone"] == "20000.00"
    assert data["offers"] == 1
    assert "forgone so far" in ok(seeded("report", "jobsearch")).stdout


@pytest.mark.parametrize(
    "kind", ["funnel", "aging", "forecast", "jobsearch", "attribution", "goals"]
)
def test_report_chart_writes_png_and_svg(seeded, tmp_path, kind):
    png = tmp_path / f"{kind}.png"
    ok(seeded("report", kind, "--chart", str(png)))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = tmp_path / f"{kind}.svg"
    ok(seeded("report", kind, "--chart", str(svg), "--json"))
    assert "<svg" in svg.read_text(encoding="utf-8")


def test_report_chart_refuses_other_suffixes(seeded, tmp_path):
    refused(seeded("report", "funnel", "--chart", str(tmp_path / "f.jpg")), 2, "--chart")
    assert not (tmp_path / "f.jpg").exists()


def test_report_bad_input(seeded):
    refused(seeded("report", "funnel", "--pipeline", "nope"), 3, "no pipeline 'nope'")
    refused(
        seeded("report", "funnel", "--since", "2024-05-02", "--until", "2024-05-01"), 2, "since"
    )
    refused(seeded("report", "funnel", "--since", "someday"), 2, "not a date")


def test_goal_set_list_report_remove(seeded):
    ok(seeded("goal", "set", "networking", "10"))
    ok(seeded("goal", "set", "gives", "3"))
    ok(seeded("log", "coffee", "Ann", "-m", "catch-up"))
    ok(seeded("give", "Ann", "--kind", "advice"))
    listed = as_json(seeded("goal", "list", "--json"))
    assert [(g["metric"], g["weekly_target"]) for g in listed] == [("networking", 10), ("gives", 3)]
    report = as_json(seeded("report", "goals", "--json"))
    assert [(g["metric"], g["done"], g["target"]) for g in report["goals"]] == [
        ("networking", 1, 10),
        ("gives", 1, 3),
    ]
    assert "networking" in ok(seeded("report", "goals")).stdout
    ok(seeded("goal", "remove", "gives"))
    assert [g["metric"] for g in as_json(seeded("goal", "list", "--json"))] == ["networking"]
    refused(seeded("goal", "remove", "gives"), 3, "no goal for gives")
    refused(seeded("goal", "set", "naps", "3"), 2, "naps")
    refused(seeded("goal", "set", "asks", "0"), 2, "at least 1")


def test_report_without_pipelines_says_how_to_add_one(gw):
    refused(gw("report", "forecast"), 3, "goodwill pipeline add")
