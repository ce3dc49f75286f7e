"""`goodwill knows` and `goodwill path` end to end."""

from __future__ import annotations

import json

from tests.e2e.cli import ok


def test_knows_then_path_lists_the_route(gw):
    for name in ("Ana Alpha", "Ben Beta", "Tia Target"):
        ok(gw("contact", "add", name))
    ok(gw("log", "meeting", "Ana Alpha", "--summary", "lunch"))
    ok(gw("knows", "Ana Alpha", "Ben Beta", "--strength", "0.9", "--note", "college"))
    ok(gw("knows", "Ben Beta", "Tia Target", "--strength", "0.8"))
    listed = json.loads(ok(gw("knows", "--list", "Ben Beta", "--json")).stdout)
    assert sorted(v["other"]["label"] for v in listed) == ["Ana Alpha", "Tia Target"]
    view = json.loads(ok(gw("path", "Tia Target", "--json")).stdout)
    assert [[h["node"]["label"] for h in p["hops"]] for p in view["paths"]] == [
        ["Ana Alpha", "Ben Beta", "Tia Target"]
    ]
    text = ok(gw("path", "Tia Target")).stdout
    assert "Warm routes to Tia Target" in text and "knows Ana Alpha" in text
    ok(gw("knows", "--forget", "Ana Alpha", "Ben Beta"))
    assert "No warm route" in ok(gw("path", "Tia Target")).stdout


def test_knows_and_path_bad_input_are_one_line_errors(gw):
    ok(gw("contact", "add", "Ana Alpha"))
    ok(gw("contact", "add", "Ben Beta"))
    for args in (
        ("knows", "Ana Alpha", "Ana Alpha"),
        ("knows", "Ana Alpha", "Ben Beta", "--strength", "1.5"),
        ("path", "Nobody Co"),
    ):
        result = gw(*args)
        assert result.exit_code != 0 and result.stderr.strip(), args
        assert "Traceback" not in result.stderr
    assert json.loads(ok(gw("knows", "--list", "Ana Alpha", "--json")).stdout) == []
    assert "no contact, email or organization matches 'Nobody Co'" in gw("path", "Nobody Co").stderr
