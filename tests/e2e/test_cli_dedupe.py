"""`goodwill duplicates` and `goodwill merge` end to end."""

from __future__ import annotations

import pytest

from tests.e2e.cli import as_json, ok


@pytest.fixture
def twins(gw) -> tuple[int, int]:
    """Maria Chen and Maria Lopez: one person, married, same mobile and company."""
    chen = as_json(
        gw("contact", "add", "Maria Chen", "-e", "maria.chen@northwind.example",
           "-p", "+1 415 555 0142", "--org", "Northwind", "--json")
    )  # fmt: skip
    lopez = as_json(
        gw("contact", "add", "Maria Lopez", "-e", "maria.lopez@northwind.example",
           "-p", "(415) 555-0142", "--org", "Northwind", "-t", "climbing", "--json")
    )  # fmt: skip
    ok(gw("contact", "add", "Ann Lee"))
    ok(gw("log", "call", str(lopez["id"]), "-m", "caught up"))
    return chen["id"], lopez["id"]


def test_duplicates_lists_pairs_with_score_and_why(gw, twins):
    chen, lopez = twins
    text = ok(gw("duplicates")).stdout
    assert "Maria Chen" in text and "Maria Lopez" in text and "100" in text
    assert "shared" in text and "Ann Lee" not in text  # the table folds long reasons
    found = as_json(gw("duplicates", "--json"))
    assert found["notes"] == []
    [pair] = found["candidates"]
    assert (pair["a"]["id"], pair["b"]["id"], pair["score"]) == (chen, lopez, 100)
    assert "same organization: Northwind" in pair["reasons"]
    only = as_json(gw("duplicates", "--contact", "Ann Lee", "--limit", "5", "--json"))
    assert only["candidates"] == []


def test_duplicates_without_any_says_so(gw):
    ok(gw("contact", "add", "Ann Lee"))
    assert "No likely duplicates." in ok(gw("duplicates")).stdout


def test_duplicates_dismiss_stops_the_suggestion(gw, twins):
    chen, lopez = twins
    dismissed = as_json(gw("duplicates", "dismiss", str(lopez), str(chen), "--json"))
    assert (dismissed["a"]["id"], dismissed["b"]["id"]) == (lopez, chen)
    assert as_json(gw("duplicates", "--json"))["candidates"] == []
    assert "will not be suggested" in ok(gw("duplicates", "dismiss", "Maria Chen", "Lopez")).stdout


def test_merge_preview_shows_the_result_and_changes_nothing(gw, twins):
    chen, lopez = twins
    text = ok(gw("merge", str(chen), str(lopez), "--preview")).stdout
    assert "Merge preview" in text and "maria.lopez@northwind.example" in text
    assert "last name: keeps 'Chen', drops 'Lopez'" in text
    preview = as_json(gw("merge", str(chen), str(lopez), "--preview", "--json"))
    assert preview["moves"]["interactions"] == 1 and preview["tags"] == ["climbing"]
    assert preview["phones"] == ["+14155550142"]
    assert as_json(gw("contact", "show", str(lopez), "--json"))["display_name"] == "Maria Lopez"


def test_merge_without_yes_and_without_a_terminal_refuses(gw, twins):
    chen, lopez = twins
    refused = gw("merge", str(chen), str(lopez))
    assert refused.exit_code == 2
    assert f"Merge #{lopez} Maria Lopez into #{chen} Maria Chen?" in refused.stderr
    assert "--yes" in refused.stderr
    assert as_json(gw("contact", "show", str(lopez), "--json"))["display_name"] == "Maria Lopez"


def test_merge_with_yes_merges_and_deletes_the_other(gw, twins):
    chen, lopez = twins
    text = ok(gw("merge", "Maria Chen", "maria.lopez@northwind.example", "--yes")).stdout
    assert f"merged #{lopez} into #{chen} Maria Chen" in text and "1 interactions" in text
    assert gw("contact", "show", str(lopez)).exit_code == 3
    merged = as_json(gw("contact", "show", str(chen), "--json"))
    assert [e["email"] for e in merged["emails"]] == [
        "maria.chen@northwind.example",
        "maria.lopez@northwind.example",
    ]
    assert (merged["touches"], merged["tags"]) == (1, ["climbing"])


def test_merge_json_prints_the_merged_contact(gw, twins):
    chen, lopez = twins
    merged = as_json(gw("merge", str(chen), str(lopez), "--yes", "--json"))
    assert (merged["id"], merged["display_name"]) == (chen, "Maria Chen")


def test_merge_a_contact_into_itself_or_a_missing_one_fails(gw, twins):
    chen, _ = twins
    same = gw("merge", str(chen), f"#{chen}", "--yes")
    assert same.exit_code == 2 and "two different contacts" in same.stderr
    missing = gw("merge", str(chen), "999", "--yes")
    assert missing.exit_code == 3 and "no contact #999" in missing.stderr


def test_duplicates_scan_stores_the_pairs_the_stored_list_shows(gw, twins):
    chen, lopez = twins
    assert "Not scanned yet" in ok(gw("duplicates", "--stored")).stdout
    text = ok(gw("duplicates", "--scan")).stdout
    assert "1 likely duplicate pairs stored" in text and "scanned 3 contacts" in text
    scanned = as_json(gw("duplicates", "--scan", "--json"))
    assert (scanned["pairs"], scanned["contacts"]) == (1, 3)
    [pair] = as_json(gw("duplicates", "--stored", "--json"))["candidates"]
    assert (pair["a"]["id"], pair["b"]["id"], pair["score"]) == (chen, lopez, 100)
    assert "Maria Lopez" in ok(gw("duplicates", "--stored")).stdout
    ok(gw("duplicates", "dismiss", str(chen), str(lopez)))
    assert as_json(gw("duplicates", "--stored", "--json"))["candidates"] == []


def test_serve_runs_the_pages_scan_in_a_process_of_its_own(gw, fresh_url, twins, monkeypatch):
    import time

    import uvicorn

    from goodwill.bootstrap import open_database
    from goodwill.services import accounts, dedupe
    from goodwill.web import app as web_app

    served = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: served.append(app))
    monkeypatch.setattr(web_app, "settle_heap", lambda: None)  # no gc.freeze in tests
    ok(gw("serve"))

    def in_this_process(*args, **kwargs):
        raise AssertionError("the scan ran in the server's process")

    monkeypatch.setattr(dedupe, "scan_duplicates", in_this_process)
    db = open_database(fresh_url)
    try:
        owner = accounts.local_actor(db.uow)
        assert dedupe.start_background_scan(owner, db.uow, served[0].state.scan_launcher)
        deadline = time.monotonic() + 120
        while dedupe.scan_state(owner, db.uow).running and time.monotonic() < deadline:
            time.sleep(0.2)
        state = dedupe.scan_state(owner, db.uow)
        assert (state.status, state.pairs) == ("done", 1), state
    finally:
        db.close()
