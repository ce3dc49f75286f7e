"""`need …`, `offer …`, `needs`, `gives …` and the ways to give in `today`, end to end."""

from __future__ import annotations

from tests.e2e.cli import as_json, ok

BEA = "bea@team.example"


def _seed(gw) -> None:
    for name in ["Ana Alvarez", "Ben Brown", "Cara Diaz", "Dan Evans", "Eve Fox"]:
        ok(gw("contact", "add", name))
    ok(gw("need", "add", "Ana", "hiring a data engineer", "--tags", "data engineering"))
    ok(gw("offer", "add", "Ben", "data engineer open to a role", "--tags", "data engineering"))
    ok(gw("need", "add", "Cara", "looking for a fintech job, resume ready", "--tags", "fintech"))
    ok(gw("offer", "add", "Dan", "recruiter for fintech roles", "--tags", "recruiting,fintech"))
    ok(gw("need", "add", "Eve", "cutting carrier costs", "--tags", "logistics"))
    ok(gw("offer", "add", "--mine", "my article '10 logistics KPIs' on carrier costs"))


def refused(result, code: int, fragment: str):
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stderr.startswith("error: ") and fragment in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    return result


def test_need_and_offer_add_and_list(gw):
    _seed(gw)
    added = as_json(gw("need", "add", "Ben", "a mentor", "--tags", "A, b,a", "--json"))
    assert (added["kind"], added["contact"]["label"], added["tags"]) == (
        "need",
        "Ben Brown",
        ["a", "b"],
    )
    rows = as_json(gw("needs", "--json"))
    assert [r["kind"] for r in rows] == ["need"] * 4 + ["offer"] * 3
    assert [r["text"] for r in as_json(gw("need", "list", "--contact", "ana", "--json"))] == [
        "hiring a data engineer"
    ]
    mine = [r for r in as_json(gw("offer", "list", "--json")) if r["contact"] is None]
    assert [r["text"] for r in mine] == ["my article '10 logistics KPIs' on carrier costs"]
    ok(gw("need", "close", str(added["id"])))
    assert added["id"] not in [r["id"] for r in as_json(gw("needs", "--json"))]
    assert added["id"] in [r["id"] for r in as_json(gw("needs", "--all", "--json"))]
    text = ok(gw("needs")).stdout
    assert "Ana Alvarez" in text and "you" in text


def test_gives_lists_dismisses_and_acts(gw):
    _seed(gw)
    found = as_json(gw("gives", "--json"))
    kinds = {g["kind"]: g for g in found}
    assert set(kinds) == {"introduce", "refer", "share"}
    text = ok(gw("gives")).stdout
    assert kinds["refer"]["short_key"] in text and "Pass Cara Diaz's resume" in text
    assert "same tags: fintech" in text
    ok(gw("gives", "dismiss", kinds["introduce"]["key"][:6]))
    left = as_json(gw("gives", "--json"))
    assert {g["kind"] for g in left} == {"refer", "share"}
    acted = as_json(gw("gives", "act", kinds["refer"]["short_key"], "--json"))
    entry = acted["ledger_entry"]
    assert (entry["kind"], entry["counterpart"]["label"], entry["related"]["label"]) == (
        "resume",
        "Cara Diaz",
        "Dan Evans",
    )
    shared = ok(gw("gives", "act", kinds["share"]["short_key"])).stdout
    assert "gave article to Eve Fox" in shared
    assert as_json(gw("gives", "--json")) == []
    assert len(as_json(gw("ledger", "list", "--json"))) == 2


def test_gives_act_introduction_and_contact_filter(gw):
    _seed(gw)
    [intro] = as_json(gw("gives", "--contact", "ben", "--json"))
    out = ok(gw("gives", "act", intro["short_key"], "--as", "introduction")).stdout
    assert "introduction #" in out and "requested" in out


def test_today_shows_ways_to_give(gw):
    _seed(gw)
    day = as_json(gw("today", "--json"))
    assert [g["kind"] for g in day["gives"]] == [g["kind"] for g in as_json(gw("gives", "--json"))]
    text = ok(gw("today")).stdout
    assert "Ways to give" in text and "Send Eve Fox the article" in text


def test_bad_input_is_refused_and_writes_nothing(gw):
    ok(gw("contact", "add", "Ana Alvarez"))
    refused(gw("need", "add", "Ana", "a designer", "--expires", "2001-01-01"), 2, "is in the past")
    refused(gw("need", "add", "Ana", "   "), 2, "text: must not be blank")
    refused(gw("need", "add", "Nobody", "a designer"), 3, "no contact matches 'Nobody'")
    refused(gw("offer", "add", "--mine", "Ana", "a designer"), 2, "--mine")
    refused(gw("offer", "add", "Ana"), 2, "text")
    assert as_json(gw("needs", "--all", "--json")) == []
    refused(gw("gives", "act", "abc"), 2, "key")
    refused(gw("gives", "act", "abcdef"), 3, "no way to give with key abcdef")
    refused(gw("need", "close", "42"), 3, "no need or offer #42")


def test_a_teammate_sees_none_of_my_private_needs(gw):
    _seed(gw)
    ok(gw("user", "add", BEA))
    assert as_json(gw("needs", "--json", user=BEA)) == []
    assert as_json(gw("gives", "--json", user=BEA)) == []
    refused(gw("need", "add", "Ana", "x", user=BEA), 3, "no contact matches 'Ana'")
