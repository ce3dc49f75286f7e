"""`goodwill config cadence` end to end."""

from __future__ import annotations

from tests.e2e.cli import as_json, ok


def test_config_cadence_shows_changes_and_moves_contacts_on_the_old_default(gw):
    assert as_json(gw("config", "cadence", "--json")) == {
        "inner": 30, "network": 90, "wider": 365,
    }  # fmt: skip
    ok(gw("contact", "add", "Ana Diaz", "--tier", "inner"))
    ok(gw("contact", "add", "Bo Chen", "--tier", "inner", "--cadence", "2w"))
    changed = as_json(gw("config", "cadence", "inner", "6w", "--json"))
    assert changed == {"cadences": {"inner": 42, "network": 90, "wider": 365}, "moved": 1}
    ana = as_json(gw("contact", "show", "ana", "--json"))
    bo = as_json(gw("contact", "show", "bo", "--json"))
    assert (ana["cadence_days"], bo["cadence_days"]) == (42, 14)
    ok(gw("contact", "add", "Cy Park", "--tier", "A"))
    assert as_json(gw("contact", "show", "cy", "--json"))["cadence_days"] == 42
    text = ok(gw("config", "cadence", "wider", "200")).stdout
    assert "200 days" in text and "0 contacts" in text
    shown = ok(gw("config", "cadence")).stdout
    assert "42 days" in shown and "200 days" in shown


def test_config_cadence_refuses_bad_input(gw):
    for args in (("closest", "30"), ("inner", "0"), ("inner", "soon")):
        bad = gw("config", "cadence", *args)
        assert bad.exit_code == 2, args
        assert ("tier" if args[0] == "closest" else "days") in (bad.stdout + bad.stderr)
    missing = gw("config", "cadence", "inner")
    assert missing.exit_code == 2
    assert as_json(gw("config", "cadence", "--json"))["inner"] == 30
