"""`goodwill discover` end to end: options, the interactive questions, --show, --org,
--forget, teammates, and refusals (exit 2 for bad input, nothing written)."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.e2e.cli import as_json, ok


def _today() -> str:
    return datetime.now(UTC).date().isoformat()  # the CLI's local user lives in UTC


def _latest(view) -> dict[str, str]:
    return {q["key"]: q["latest"]["answer"] for q in view["questions"] if q["latest"]}


def _refused(result, code: int, fragment: str):
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stderr.startswith("error: ") and fragment in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return result


def test_discover_with_options_records_and_shows_the_profile(gw):
    ok(gw("contact", "add", "Ann Archer"))
    text = ok(
        gw(
            "discover",
            "ann",
            "--goal",
            "ten stores",
            "--challenges",
            "hiring",
            "--on",
            "2024-01-05",
        )
    ).stdout
    assert "recorded 2 answer(s) about Ann Archer" in text
    assert "Discovery profile — Ann Archer (contact)" in text
    assert "ten stores" in text and "2024-01-05" in text
    view = as_json(gw("discover", "ann", "--goal", "twenty stores", "--json"))
    assert _latest(view) == {"goal": "twenty stores", "challenges": "hiring"}
    goal = view["questions"][0]
    assert goal["latest"]["learned_on"] == _today() and len(view["recorded"]) == 1
    assert [a["answer"] for a in goal["earlier"]] == ["ten stores"]
    shown = ok(gw("discover", "ann", "--show")).stdout
    assert "twenty stores" in shown and "1 earlier" in shown and "ten stores" not in shown
    history = ok(gw("discover", "ann", "--show", "--history")).stdout
    assert "History" in history and "ten stores" in history
    listed = as_json(gw("discover", "ann", "--show", "--json"))
    assert [a["answer"] for a in listed["history"]] == ["twenty stores", "hiring", "ten stores"]
    assert listed["recorded"] == []
    card = ok(gw("contact", "show", "ann")).stdout
    assert "Discovery" in card and "twenty stores" in card and "ten stores" not in card
    assert "questions" not in as_json(gw("contact", "show", "ann", "--json"))


def test_discover_asks_the_six_questions_on_stdin(gw):
    ok(gw("contact", "add", "Ann Archer"))
    ok(gw("discover", "ann", "--goal", "ten stores", "--on", "2024-01-05"))
    replies = "twelve stores\n\nbakers and [bold]cafes\n\n\nindependence\n"
    result = ok(gw("discover", "ann", "--on", "2024-02-01", input=replies))
    # The questions and the current answer go to stderr, keeping stdout for the profile.
    assert "What are they trying to accomplish?" in result.stderr
    assert "What would it mean to them?" in result.stderr
    assert "now: ten stores (learned on 2024-01-05)" in result.stderr
    assert "recorded 3 answer(s)" in result.stdout
    view = as_json(gw("discover", "ann", "--show", "--json"))
    assert _latest(view) == {
        "goal": "twelve stores",
        "targets": "bakers and [bold]cafes",
        "meaning": "independence",
    }
    assert {a["learned_on"] for a in view["history"]} == {"2024-01-05", "2024-02-01"}


def test_discover_interactive_json_and_running_out_of_input(gw):
    ok(gw("contact", "add", "Ann Archer"))
    view = as_json(gw("discover", "ann", "--json", input="just a goal\n"))
    assert _latest(view) == {"goal": "just a goal"} and len(view["recorded"]) == 1
    nothing = ok(gw("discover", "ann", input=""))
    assert "nothing recorded" in nothing.stderr and "just a goal" in nothing.stdout
    assert len(as_json(gw("discover", "ann", "--show", "--json"))["history"]) == 1


def test_discover_an_organization(gw):
    ok(gw("org", "add", "Acme Bakeries"))
    view = as_json(gw("discover", "--org", "acme", "--targets", "cafes", "--json"))
    assert view["subject"]["label"] == "Acme Bakeries" and view["subject_kind"] == "organization"
    asked = ok(gw("discover", "--org", "Acme Bakeries", input="\n\n\nslow suppliers\n"))
    assert "now: cafes" in asked.stderr and "organization" in asked.stdout
    shown = as_json(gw("discover", "--org", "acme", "--show", "--json"))
    assert _latest(shown) == {"targets": "cafes", "challenges": "slow suppliers"}


def test_discover_forget_an_answer(gw):
    ok(gw("contact", "add", "Ann Archer"))
    ok(gw("discover", "ann", "--goal", "old", "--on", "2024-01-01"))
    wrong = as_json(gw("discover", "ann", "--goal", "wrong", "--json"))["recorded"][0]
    _refused(gw("discover", "--forget", str(wrong)), 2, "--yes")
    gone = ok(gw("discover", "--forget", str(wrong), "--yes"))
    assert f"moved discovery answer #{wrong}" in gone.stdout
    assert _latest(as_json(gw("discover", "ann", "--show", "--json"))) == {"goal": "old"}
    _refused(gw("discover", "--forget", str(wrong), "--yes"), 3, f"no discovery answer #{wrong}")
    _refused(gw("discover", "ann", "--forget", "1", "--yes"), 2, "--forget")


def test_discover_teammate_sees_shared_answers_only(gw):
    ok(gw("user", "add", "bea@team.example", "--name", "Bea"))
    ok(gw("contact", "add", "Sam Shared", "--visibility", "workspace"))
    ok(gw("discover", "sam", "--goal", "team goal", "--visibility", "workspace"))
    ok(gw("discover", "sam", "--challenges", "my private read"))
    seen = as_json(gw("discover", "sam", "--show", "--json", user="bea@team.example"))
    assert _latest(seen) == {"goal": "team goal"}
    text = ok(gw("discover", "sam", "--show", "--history", user="bea@team.example")).stdout
    assert "private read" not in text
    shared_id = seen["history"][0]["id"]
    _refused(
        gw("discover", "--forget", str(shared_id), "--yes", user="bea@team.example"), 5, "owner"
    )


def test_discover_refuses_bad_input_and_writes_nothing(gw):
    ok(gw("contact", "add", "Ann Archer"))
    _refused(gw("discover", "ann", "--goal", "x", "--on", "2999-01-01"), 2, "learned_on")
    _refused(gw("discover", "ann", "--goal", "   "), 2, "goal")
    _refused(gw("discover", "ann", "--goal", "x", "--visibility", "everyone"), 2, "visibility")
    _refused(gw("discover", "--goal", "x"), 2, "about")
    _refused(gw("discover", "ann", "--org", "Acme", "--goal", "x"), 2, "about")
    _refused(gw("discover", "ann", "--show", "--goal", "x"), 2, "--show")
    _refused(gw("discover", "nobody", "--goal", "x"), 3, "no contact matches 'nobody'")
    # A bad date is refused before any question is asked.
    early = _refused(gw("discover", "ann", "--on", "tomorrow", input="a goal\n"), 2, "future")
    assert "What are they" not in early.stderr
    _refused(gw("discover", "ann", "--on", "someday", input="a goal\n"), 2, "learned_on")
    assert as_json(gw("discover", "ann", "--show", "--json"))["history"] == []
