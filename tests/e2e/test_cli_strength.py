"""`goodwill strength` and `goodwill config strength` end to end."""

from __future__ import annotations

from tests.e2e.cli import as_json, ok


def test_strength_explains_ranks_and_refuses_bad_settings(gw):
    ok(gw("contact", "add", "Ana Diaz", "--email", "ana@example.com"))
    ok(gw("contact", "add", "Bo Chen"))
    ok(gw("log", "coffee", "ana", "--by", "them", "--summary", "catch-up"))
    ok(gw("log", "email", "bo", "--summary", "newsletter"))
    view = as_json(gw("strength", "ana", "--json"))
    assert view["touches"] == 1 and view["started_by_them"] == 1
    assert abs(sum(view["parts"].values()) - view["exact"]) < 1e-9
    text = ok(gw("strength", "ana", "--explain")).stdout
    assert "recency" in text and "they started 1 of 1" in text
    top = as_json(gw("strength", "--top", "5", "--json"))
    assert [v["contact"]["label"] for v in top] == ["Ana Diaz", "Bo Chen"]
    bad = gw("config", "strength", "half_life_days", "0")
    assert bad.exit_code == 2 and "half_life_days" in (bad.stdout + bad.stderr)
    assert as_json(gw("config", "strength", "--json"))["half_life_days"] == 90
    changed = as_json(gw("config", "strength", "weight.recency", "0.5", "--json"))
    assert changed["weight.recency"] == 0.5
