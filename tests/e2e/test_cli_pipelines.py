"""`goodwill pipeline …` and `goodwill opp …` end to end: a deal from prospect to won with
a referral and a next step in `today`, a job application with rounds and an offer, and the
bad input of the issue refused with a clear message and its exit code."""

from __future__ import annotations

from tests.e2e.cli import as_json, ok


def refused(result, code: int, fragment: str):
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stderr.startswith("error: ") and fragment in result.stderr, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    return result


def _sales(gw) -> None:
    ok(gw("contact", "add", "Ann Archer"))
    ok(gw("contact", "add", "Rita Referrer"))
    ok(gw("pipeline", "add", "Sales", "--kind", "sales", "--currency", "usd"))


def test_a_deal_from_prospect_to_won(gw):
    _sales(gw)
    added = as_json(
        gw("opp", "add", "Acme renewal", "--contact", "Ann", "--org", "Acme", "--value",
           "12,000", "--source", "referral", "--via", "Rita", "--next", "send the proposal",
           "--json")
    )  # fmt: skip
    assert (added["stage"], added["value"], added["currency"]) == ("prospect", "12000", "USD")
    number = str(added["id"])
    today = ok(gw("today")).stdout
    assert "send the proposal — Acme renewal" in today
    [entry] = as_json(gw("ledger", "list", "--json"))
    assert (entry["direction"], entry["kind"], entry["counterpart"]["label"]) == (
        "received", "referral", "Rita Referrer",
    )  # fmt: skip
    moved = ok(gw("opp", "move", number, "proposal", "--note", "skipped discovery"))
    assert "now proposal" in moved.stdout
    ok(gw("opp", "move", number, "discovery"))
    ok(gw("opp", "note", number, "they want a pilot"))
    ok(gw("opp", "flag", number, "asks for discounts early", "--evidence", "two emails"))
    ok(gw("opp", "health", number, "watch", "--us", "a reference", "--them", "faster onboarding"))
    ok(gw("opp", "next", number, "book the pilot", "--due", "+2d"))
    ok(gw("opp", "move", number, "won", "-m", "signed for a year"))
    shown = as_json(gw("opp", "show", number, "--json"))
    assert [(e["from_stage"], e["to_stage"]) for e in shown["events"]] == [
        (None, "prospect"), ("prospect", "proposal"), ("proposal", "discovery"),
        ("discovery", "won"),
    ]  # fmt: skip
    assert (shown["outcome"], shown["close_reason"], shown["health"]) == (
        "won", "signed for a year", "watch",
    )  # fmt: skip
    assert [f["flag"] for f in shown["red_flags"]] == ["asks for discounts early"]
    assert [n["text"] for n in shown["notes"]] == ["they want a pilot"]
    text = ok(gw("opp", "show", number)).stdout
    assert "12,000.00 USD" in text and "Timeline" in text and "Red flags" in text
    listed = as_json(gw("opp", "list", "--pipeline", "Sales", "--json"))
    assert [o["id"] for o in listed] == [added["id"]]
    assert as_json(gw("opp", "list", "--open", "--json")) == []
    stages = as_json(gw("pipeline", "stages", "--json"))
    assert {s["name"]: s["opportunities"] for s in stages["stages"]}["won"] == 1


def test_the_bad_input_of_the_issue_is_refused_and_nothing_is_written(gw):
    _sales(gw)
    number = str(as_json(gw("opp", "add", "Acme", "--json"))["id"])
    refused(gw("opp", "move", number, "closing"), 2,
            "stage: 'closing' is not a stage of pipeline 'Sales': prospect, discovery")  # fmt: skip
    refused(gw("opp", "add", "Globex", "--value", "-5"), 2, "value: must not be negative")
    refused(gw("opp", "add", "Globex", "--value", "5", "--currency", "XYZ"), 2,
            "currency: 'XYZ' is not an ISO 4217 code")  # fmt: skip
    refused(gw("pipeline", "add", "Deals", "--kind", "custom", "--stage", "lead:0.1",
               "--stage", "demo:0.3@1", "--stage", "won:1:won"), 2,
            "stage order collision: 'lead' and 'demo' are both at position 1")  # fmt: skip
    refused(gw("pipeline", "delete", "Sales", "--yes"), 4, "pipeline 'Sales' has 1 opportunity")
    ok(gw("opp", "qualify-out", number, "--reason", "order-takers"))
    refused(gw("opp", "move", number, "prospect"), 4, "a closed opportunity cannot move")
    assert [p["name"] for p in as_json(gw("pipeline", "list", "--json"))] == ["Sales"]
    [only] = as_json(gw("opp", "list", "--json"))
    assert (only["title"], only["stage"]) == ("Acme", "qualified-out")
    shown = as_json(gw("opp", "show", number, "--json"))
    assert [e["to_stage"] for e in shown["events"]] == ["prospect", "qualified-out"]
    refused(gw("opp", "show", "999"), 3, "no opportunity #999")


def test_a_job_application_with_rounds_a_referral_and_an_offer(gw):
    ok(gw("contact", "add", "Ben Boss"))
    ok(gw("contact", "add", "Rita Referrer"))
    made = ok(gw("pipeline", "add", "Job search", "--kind", "job_search", "--salary", "150000",
                 "--currency", "EUR", "--since", "2024-01-01"))  # fmt: skip
    assert "target salary 150,000.00 EUR" in made.stdout and "since 2024-01-01" in made.stdout
    number = str(
        as_json(gw("opp", "add", "Staff engineer", "--contact", "Ben", "--stage", "applied",
                   "--value", "140000", "--json"))["id"]
    )  # fmt: skip
    ok(gw("opp", "referral", number, "--asked", "2024-02-01", "--received", "2024-02-03",
          "--via", "Rita"))  # fmt: skip
    ok(gw("opp", "round", number, "--when", "2024-02-10", "--with", "Ben", "--with", "Rita",
          "--label", "onsite"))  # fmt: skip
    ok(gw("opp", "offer", number, "--salary", "155000", "--detail", "equity=0.1%"))
    shown = as_json(gw("opp", "show", number, "--json"))
    assert shown["referral_received_on"] == "2024-02-03"
    [round_] = shown["rounds"]
    assert (round_["round"], round_["label"]) == (1, "onsite")
    assert sorted(p["label"] for p in round_["people"]) == ["Ben Boss", "Rita Referrer"]
    assert shown["offer"] == {
        "salary": "155000", "currency": "EUR", "details": {"equity": "0.1%"},
    }  # fmt: skip
    [meeting] = as_json(gw("timeline", "Ben", "--json"))
    assert (meeting["channel"], meeting["summary"]) == (
        "meeting", "Interview round 1 (onsite): Staff engineer",
    )  # fmt: skip
    text = ok(gw("opp", "show", number)).stdout
    assert "155,000.00 EUR" in text and "Interview rounds" in text


def test_custom_pipeline_stages_can_be_changed(gw):
    ok(gw("pipeline", "add", "Partners", "--kind", "custom", "--stage", "talk:0.1",
          "--stage", "signed:1:won"))  # fmt: skip
    changed = as_json(gw("pipeline", "stages", "Partners", "--set", "talk=intro call:0.15",
                         "--set", "pilot:0.5", "--set", "signed:1:won", "--set", "no:0:lost",
                         "--json"))  # fmt: skip
    assert [(s["name"], s["outcome"]) for s in changed["stages"]] == [
        ("intro call", None), ("pilot", None), ("signed", "won"), ("no", "lost"),
    ]  # fmt: skip
    assert "intro call" in ok(gw("pipeline", "stages", "Partners")).stdout
    ok(gw("pipeline", "delete", "Partners", "--yes"))
    assert as_json(gw("pipeline", "list", "--json")) == []
