"""`give`, `receive`, `ledger …`, `ask`, `asks …` and `today` end to end, on both databases."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from goodwill.cli.main import app
from goodwill.storage.engine import make_engine
from goodwill.storage.schema import Ask
from tests.e2e.cli import as_json, ok

BEA = "bea@team.example"
WHY = ["--what", "review my deck", "--why-them", "you raised twice"]


@pytest.fixture
def url(empty_database_url):
    result = CliRunner().invoke(app, ["--db", empty_database_url, "db", "upgrade"])
    assert result.exit_code == 0, result.stderr
    return empty_database_url


@pytest.fixture
def gw(url):
    runner = CliRunner()

    def invoke(*args: str, user: str | None = None, input: str | None = None):
        prefix = ["--db", url] + (["--user", user] if user else [])
        return runner.invoke(app, [*prefix, *args], input=input)

    return invoke


def refused(result, code: int, fragment: str):
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    return result


def _people(gw, *names: str) -> None:
    for name in names:
        ok(gw("contact", "add", name))


def test_give_receive_list_and_balance(gw):
    _people(gw, "Ann Archer", "Bob Baker")
    given = as_json(
        gw(
            "give",
            "Ann",
            "--kind",
            "introduction",
            "--weight",
            "3",
            "--on",
            "2024-02-10",
            "--note",
            "to Bob's team",
            "--related",
            "Bob",
            "--json",
        )
    )
    assert (given["direction"], given["kind"], given["weight"]) == ("gave", "introduction", 3)
    assert given["related"]["label"] == "Bob Baker" and given["occurred_on"] == "2024-02-10"
    text = ok(gw("receive", "Ann", "--kind", "advice", "--weight", "5", "--on", "2024-03-01"))
    assert "received advice (weight 5) from Ann Archer on 2024-03-01" in text.stdout
    listed = as_json(gw("ledger", "list", "Ann", "--json"))
    assert [(e["direction"], e["occurred_on"]) for e in listed] == [
        ("received", "2024-03-01"),
        ("gave", "2024-02-10"),
    ]
    assert "advice" in ok(gw("ledger", "list")).stdout
    balance = as_json(gw("ledger", "balance", "Ann", "--json"))
    assert (balance["given_weight"], balance["received_weight"], balance["balance"]) == (3, 5, -2)
    assert "-2" in ok(gw("ledger", "balance", "Ann")).stdout


def test_ledger_balance_since_until(gw):
    _people(gw, "Ann Archer")
    for day, weight in (("2024-01-31", "1"), ("2024-02-15", "2"), ("2024-03-01", "4")):
        ok(gw("give", "Ann", "--kind", "favor", "--weight", weight, "--on", day))
    feb = as_json(
        gw("ledger", "balance", "--since", "2024-02-01", "--until", "2024-02-29", "--json")
    )
    assert (feb["given_weight"], feb["given_count"], feb["contact"]) == (2, 1, None)
    later = as_json(gw("ledger", "balance", "--since", "2024-02-15", "--json"))
    assert later["given_weight"] == 6
    refused(gw("ledger", "balance", "--since", "2024-03-01", "--until", "2024-01-01"), 2, "since")


def test_ledger_takers_largest_first(gw):
    _people(gw, "Ann Archer", "Bob Baker", "Cid Cole")
    ok(gw("receive", "Ann", "--kind", "favor", "--weight", "2"))
    ok(gw("receive", "Bob", "--kind", "referral", "--weight", "5"))
    ok(gw("give", "Cid", "--kind", "favor"))
    takers = as_json(gw("ledger", "takers", "--json"))
    assert [(t["contact"]["label"], t["balance"]) for t in takers] == [
        ("Bob Baker", -5),
        ("Ann Archer", -2),
    ]
    assert [
        t["contact"]["label"] for t in as_json(gw("ledger", "takers", "--limit", "1", "--json"))
    ] == ["Bob Baker"]
    text = ok(gw("ledger", "takers")).stdout
    assert text.index("Bob Baker") < text.index("Ann Archer") and "Cid" not in text


def test_give_weight_nine_is_one_line_exit_2_and_nothing_written(gw):
    _people(gw, "Ann Archer")
    refused(
        gw("give", "Ann", "--kind", "favor", "--weight", "9"), 2, "weight: 9 is not between 1 and 5"
    )
    assert as_json(gw("ledger", "list", "--json")) == []


def test_receive_unknown_contact_is_one_line_exit_3_and_nothing_written(gw):
    _people(gw, "Ann Archer")
    refused(
        gw("receive", "Nobody Known", "--kind", "favor"), 3, "no contact matches 'Nobody Known'"
    )
    assert as_json(gw("ledger", "list", "--json")) == []


def test_give_bad_kind_is_refused(gw):
    _people(gw, "Ann Archer")
    refused(gw("give", "Ann", "--kind", "bribe"), 2, "kind: 'bribe' is not one of")


def test_ledger_delete_then_restore_from_trash(gw):
    _people(gw, "Ann Archer")
    entry = as_json(gw("give", "Ann", "--kind", "favor", "--on", "2024-01-05", "--json"))
    ok(gw("ledger", "delete", str(entry["id"]), "--yes"))
    assert as_json(gw("ledger", "list", "--json")) == []
    items = as_json(gw("trash", "list", "--json"))
    assert [(i["kind"], i["id"]) for i in items] == [("ledger", entry["id"])]
    ok(gw("trash", "restore", "ledger", str(entry["id"])))
    assert [e["id"] for e in as_json(gw("ledger", "list", "--json"))] == [entry["id"]]


def test_ask_with_readiness_warning_refuses_without_terminal_and_writes_nothing(gw):
    _people(gw, "Ann Archer")
    ok(gw("receive", "Ann", "--kind", "favor", "--weight", "2"))
    result = gw("ask", "Ann", "--kind", "favor", *WHY)
    assert result.exit_code == 2
    assert "warning: the balance with them is -2" in result.stderr
    assert "give first" in result.stderr
    assert "warning: no interaction in the last 90 days" in result.stderr
    assert "--yes" in result.stderr
    assert as_json(gw("asks", "list", "--json")) == []
    assert as_json(gw("task", "list", "--json")) == []


def test_ask_with_readiness_warning_proceeds_with_yes(gw):
    _people(gw, "Ann Archer")
    result = ok(gw("ask", "Ann", "--kind", "favor", *WHY, "--yes", "--json"))
    assert "reconnect first" in result.stderr
    created = json.loads(result.stdout)
    assert created["ask"]["status"] == "draft"
    # Never in touch: no recent interaction, and so a weak tie (strength 0).
    assert [w["code"] for w in created["warnings"]] == [
        "no_recent_interaction",
        "weak_relationship",
    ]
    assert "0/100" in result.stderr and "strengthen the tie first" in result.stderr
    assert [a["id"] for a in as_json(gw("asks", "list", "--json"))] == [created["ask"]["id"]]


def test_ask_when_ready_needs_no_confirmation(gw):
    _people(gw, "Ann Archer")
    ok(gw("log", "call", "Ann", "-m", "caught up"))
    result = ok(gw("ask", "Ann", "--kind", "advice", *WHY))
    assert "warning" not in result.stderr
    assert "ask #1: advice of Ann Archer (draft)" in result.stdout


def test_ask_of_oneself_is_one_line_exit_2_and_nothing_written(gw):
    ok(gw("settings", "set", "email", "me@example.com"))
    ok(gw("contact", "add", "Me Myself", "-e", "Me@Example.com"))
    refused(gw("ask", "Me Myself", "--kind", "favor", *WHY, "--yes"), 2, "that is you")
    assert as_json(gw("asks", "list", "--json")) == []


def test_ask_introduction_without_why_care_names_the_question_before_warning(gw):
    _people(gw, "Ann Archer")
    result = refused(
        gw("ask", "Ann", "--kind", "introduction", *WHY, "--blurb", "Pat builds things"),
        2,
        "why the target would care (what is in it for them)",
    )
    assert "warning" not in result.stderr
    assert as_json(gw("asks", "list", "--json")) == []


def test_ask_bad_step_is_refused(gw):
    _people(gw, "Ann Archer")
    refused(gw("ask", "Ann", "--kind", "favor", *WHY, "--step", "call", "--yes"), 2, "CHANNEL@WHEN")
    assert as_json(gw("asks", "list", "--json")) == []


def test_ask_plan_steps_are_tasks_done_with_task_done(gw):
    _people(gw, "Ann Archer", "Dana Diaz")
    made = as_json(
        gw(
            "ask",
            "Ann",
            "--kind",
            "introduction",
            *WHY,
            "--why-care",
            "she is hiring",
            "--blurb",
            "Pat builds payments",
            "--target",
            "Dana",
            "--step",
            "handwritten note@today",
            "--step",
            "call at the agreed time@+3d",
            "--yes",
            "--json",
        )
    )["ask"]
    assert made["status"] == "planned" and made["target"]["label"] == "Dana Diaz"
    steps = made["steps"]
    assert [s["title"] for s in steps] == [
        "Ask Ann: handwritten note",
        "Ask Ann: call at the agreed time",
    ]
    listed = as_json(gw("task", "list", "--json"))
    assert [t["id"] for t in listed] == [s["task_id"] for s in steps]
    today = as_json(gw("today", "--json"))
    assert [t["id"] for t in today["ask_steps"]] == [steps[0]["task_id"]]
    assert today["due_today"] == []
    assert "Ask plan steps" in ok(gw("today")).stdout
    ok(gw("task", "done", str(steps[0]["task_id"])))
    shown = as_json(gw("asks", "show", str(made["id"]), "--json"))
    assert [s["done"] for s in shown["steps"]] == [True, False]
    text = ok(gw("asks", "show", str(made["id"]))).stdout
    assert "Plan" in text and "why they'd care" in text


def test_asks_step_asked_grant_with_record_creates_one_linked_entry(gw):
    _people(gw, "Ann Archer")
    made = as_json(gw("ask", "Ann", "--kind", "favor", *WHY, "--yes", "--json"))["ask"]
    ask_id = str(made["id"])
    ok(gw("asks", "step", ask_id, "coffee", "+1d"))
    ok(gw("asks", "asked", ask_id))
    granted = ok(gw("asks", "grant", ask_id, "--record", "--weight", "3", "--note", "loved it"))
    assert "recorded ledger entry" in granted.stdout
    entries = as_json(gw("ledger", "list", "--json"))
    assert [(e["direction"], e["kind"], e["weight"], e["ask_id"]) for e in entries] == [
        ("received", "favor", 3, made["id"])
    ]
    shown = as_json(gw("asks", "show", ask_id, "--json"))
    assert (shown["status"], shown["outcome"]) == ("granted", "loved it")
    assert [e["id"] for e in shown["ledger_entries"]] == [entries[0]["id"]]
    refused(gw("asks", "grant", ask_id, "--record"), 4, "from granted to granted")
    assert len(as_json(gw("ledger", "list", "--json"))) == 1


def test_asks_grant_without_record_off_a_terminal_records_nothing(gw):
    _people(gw, "Ann Archer")
    made = as_json(gw("ask", "Ann", "--kind", "favor", *WHY, "--yes", "--json"))["ask"]
    ok(gw("asks", "asked", str(made["id"])))
    ok(gw("asks", "grant", str(made["id"])))
    assert as_json(gw("ledger", "list", "--json")) == []


def test_asks_decline_withdraw_list_by_status_delete_restore(gw):
    _people(gw, "Ann Archer")
    ids = [
        str(as_json(gw("ask", "Ann", "--kind", "favor", *WHY, "--yes", "--json"))["ask"]["id"])
        for _ in range(3)
    ]
    refused(gw("asks", "decline", ids[0]), 4, "from draft to declined")
    ok(gw("asks", "asked", ids[0]))
    ok(gw("asks", "decline", ids[0], "--note", "not now"))
    ok(gw("asks", "withdraw", ids[1]))
    by_status = as_json(gw("asks", "list", "--status", "withdrawn", "--json"))
    assert [a["id"] for a in by_status] == [int(ids[1])]
    assert "declined" in ok(gw("asks", "list", "--contact", "Ann")).stdout
    ok(gw("asks", "delete", ids[2], "--yes"))
    refused(gw("asks", "show", ids[2]), 3, f"no ask #{ids[2]}")
    ok(gw("trash", "restore", "ask", ids[2]))
    assert as_json(gw("asks", "show", ids[2], "--json"))["status"] == "draft"


def test_today_shows_asks_waiting_more_than_a_week(gw, url):
    _people(gw, "Ann Archer")
    made = as_json(gw("ask", "Ann", "--kind", "favor", *WHY, "--yes", "--json"))["ask"]
    ok(gw("asks", "asked", str(made["id"])))
    assert as_json(gw("today", "--json"))["asks_waiting"] == []
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            # Noon (UTC, the user's zone) nine days ago: nine calendar days at any hour.
            nine_days_ago = datetime.now(UTC).date() - timedelta(days=9)
            conn.execute(
                update(Ask).values(asked_at=datetime.combine(nine_days_ago, time(12), UTC))
            )
    finally:
        engine.dispose()
    [waiting] = as_json(gw("today", "--json"))["asks_waiting"]
    assert (waiting["ask_id"], waiting["days_waiting"]) == (made["id"], 9)
    text = ok(gw("today")).stdout
    assert "Waiting on an answer" in text and "9d" in text and "Nothing due" not in text


def test_teammate_never_sees_my_private_ledger_or_asks(gw):
    ok(gw("contact", "add", "Sam Shared", "--visibility", "workspace"))
    ok(gw("user", "add", BEA, "--name", "Bea"))
    entry = as_json(gw("give", "Sam", "--kind", "favor", "--note", "SECRET-NOTE", "--json"))
    made = as_json(gw("ask", "Sam", "--kind", "favor", *WHY, "--yes", "--json"))["ask"]
    assert (entry["visibility"], made["visibility"]) == ("private", "private")
    assert as_json(gw("ledger", "list", "--json", user=BEA)) == []
    assert as_json(gw("asks", "list", "--contact", "Sam", "--json", user=BEA)) == []
    hidden = refused(gw("asks", "show", str(made["id"]), user=BEA), 3, "no ask #")
    missing = refused(gw("asks", "show", "999999", user=BEA), 3, "no ask #")
    assert hidden.stderr.replace(str(made["id"]), "999999") == missing.stderr
    refused(gw("ledger", "delete", str(entry["id"]), "--yes", user=BEA), 3, "no ledger entry #")
    balance = as_json(gw("ledger", "balance", "Sam", "--json", user=BEA))
    assert balance["given_count"] == 0
    assert "SECRET-NOTE" not in gw("ledger", "list", user=BEA).stdout
