"""`goodwill intro …` and `goodwill template …` end to end: the double opt-in from request
to outcome, the messages printed, refusals with their exit codes, editable templates."""

from __future__ import annotations

import click

from tests.e2e.cli import as_json, ok

WHY = ["--why-target", "Dana is growing her payments team", "--blurb", "Ann ran payments."]


def refused(result, code: int, fragment: str):
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stderr.startswith("error: ") and fragment in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    return result


def _people(gw) -> None:
    ok(gw("contact", "add", "Ann Archer"))
    ok(gw("contact", "add", "Dana Diaz"))


def test_intro_from_request_to_outcome(gw):
    _people(gw)
    made = as_json(gw("intro", "request", "Ann", "Dana", "--goal", "hire a lead", "--json"))
    assert (made["status"], made["requester"]["label"]) == ("requested", "Ann Archer")
    number = str(made["id"])
    accepted = ok(gw("intro", "accept", number, *WHY))
    assert "now target-asked" in accepted.stdout
    assert "Hi Dana Diaz," in accepted.stdout and "Ann ran payments." in accepted.stdout
    ok(gw("intro", "consent", number, "--by", "Dana", "--agreed"))
    intro = ok(gw("intro", "make", number))
    assert "Hi Dana Diaz and Ann Archer," in intro.stdout
    assert "follow-up task #1 in two weeks" in intro.stdout
    [entry] = as_json(gw("ledger", "list", "--json"))
    assert (entry["direction"], entry["kind"], entry["related"]["label"]) == (
        "gave",
        "introduction",
        "Dana Diaz",
    )
    [task] = as_json(gw("task", "list", "--json"))
    assert task["title"] == "Ask Ann Archer how the intro to Dana Diaz went"
    ok(gw("intro", "outcome", number, "business", "--note", "signed"))
    shown = as_json(gw("intro", "show", number, "--json"))
    assert (shown["status"], shown["outcome"], shown["allowed"]) == ("closed", "business", [])
    assert [e["to_status"] for e in shown["events"]] == [
        "requested",
        "target-asked",
        "target-agreed",
        "made",
        "closed",
    ]
    assert "History" in ok(gw("intro", "show", number)).stdout


def test_intro_tell_me_why_prints_the_reply_and_answer_returns_it(gw):
    _people(gw)
    ok(gw("intro", "request", "Ann", "Dana", "--goal", "meet"))
    reply = ok(gw("intro", "tell-me-why", "1"))
    assert "Hi Ann Archer," in reply.stdout
    assert "What should I say when I suggest they talk to you?" in reply.stdout
    answered = as_json(gw("intro", "answer", "1", *WHY, "--json"))
    assert answered["introduction"]["status"] == "requested"
    listed = as_json(gw("intro", "list", "--open", "--json"))
    assert [i["id"] for i in listed] == [1]
    assert "Ann Archer" in ok(gw("intro", "list")).stdout
    ok(gw("intro", "decline", "1", "--note", "not a fit"))
    assert as_json(gw("intro", "list", "--open", "--json")) == []
    assert [i["status"] for i in as_json(gw("intro", "list", "--json"))] == ["declined"]


def test_intro_bad_input_is_refused_with_exit_codes(gw):
    _people(gw)
    refused(gw("intro", "request", "Ann", "ann archer", "--goal", "x"), 2, "to themselves")
    refused(gw("intro", "request", "Ann", "Dana"), 2, "goal: an introduction request must carry")
    refused(gw("intro", "request", "Ann", "Nobody", "--goal", "x"), 3, "no contact matches")
    ok(gw("intro", "request", "Ann", "Dana", "--goal", "x"))
    refused(gw("intro", "make", "1"), 4, "cannot make an introduction that is 'requested'")
    refused(gw("intro", "accept", "1"), 2, "why_target: the homework is not done")
    ok(gw("intro", "accept", "1", *WHY))
    refused(
        gw("intro", "consent", "1", "--by", "Ann", "--agreed"),
        2,
        "by: consent must come from the target, Dana Diaz",
    )
    refused(gw("intro", "consent", "1", "--by", "Dana"), 2, "--agreed or --declined")
    refused(gw("intro", "outcome", "1", "maybe"), 2, "met, business, no-follow-up")
    refused(gw("intro", "show", "99"), 3, "no introduction #99")
    assert as_json(gw("intro", "show", "1", "--json"))["status"] == "target-asked"


def test_intro_private_to_its_owner(gw):
    _people(gw)
    ok(gw("user", "add", "bea@team.example"))
    ok(gw("intro", "request", "Ann", "Dana", "--goal", "x"))
    assert as_json(gw("intro", "list", "--json", user="bea@team.example")) == []
    refused(gw("intro", "show", "1", user="bea@team.example"), 3, "no introduction #1")


def test_template_edit_show_and_reset(gw, tmp_path, monkeypatch):
    _people(gw)
    names = [t["name"] for t in as_json(gw("template", "list", "--json"))]
    assert names == ["intro-optin", "intro-made", "intro-needs-info"]
    refused(
        gw("template", "edit", "intro-optin", "--body", "Hi $who"), 2, "unknown placeholder $who"
    )
    ok(gw("template", "edit", "intro-optin", "--body", "Hey $target, meet $requester. $me"))
    path = tmp_path / "made.txt"
    path.write_text("Both: $target and $requester", encoding="utf-8")
    ok(gw("template", "edit", "intro-made", "--file", str(path)))
    ok(gw("template", "edit", "intro-needs-info", "--file", "-", input="Why, $requester?"))
    shown = ok(gw("template", "show", "intro-optin"))
    assert "your wording" in shown.stdout and "Hey $target" in shown.stdout
    ok(gw("settings", "set", "name", "Pat Introducer"))
    ok(gw("intro", "request", "Ann", "Dana", "--goal", "x", *WHY))
    assert "Hey Dana Diaz, meet Ann Archer. Pat Introducer" in ok(gw("intro", "accept", "1")).stdout
    assert "yours" in ok(gw("template", "list")).stdout
    ok(gw("template", "reset", "intro-optin"))
    assert not as_json(gw("template", "show", "intro-optin", "--json"))["customized"]
    # Without --body or --file the editor opens on the current wording.
    monkeypatch.setattr(click, "edit", lambda text, **_: text.replace("Both", "You two"))
    ok(gw("template", "edit", "intro-made"))
    assert as_json(gw("template", "show", "intro-made", "--json"))["body"].startswith("You two")
    monkeypatch.setattr(click, "edit", lambda text, **_: None)
    assert "unchanged" in ok(gw("template", "edit", "intro-made")).stdout
