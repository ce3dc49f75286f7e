"""`goodwill member list --removed` and the global `--workspace` option."""

from __future__ import annotations

from typer.testing import CliRunner

from goodwill.cli.main import app
from tests.e2e.cli import as_json, ok


def test_member_list_removed_shows_the_purge_date_and_no_export(gw):
    ok(gw("user", "add", "bea@team.example"))
    ok(gw("user", "add", "carl@team.example"))
    removed = ok(gw("member", "remove", "bea@team.example", "--transfer-to", "carl@team.example"))
    assert "export them until then" in removed.stdout
    gone = as_json(gw("member", "list", "--removed", "--json"))
    assert [(m["email"], m["exported_at"]) for m in gone] == [("bea@team.example", None)]
    assert gone[0]["purge_after"] > gone[0]["removed_at"]
    table = ok(gw("member", "list", "--removed"))
    assert "bea@team.example" in table.stdout and "no" in table.stdout
    current = [m["email"] for m in as_json(gw("member", "list", "--json"))]
    assert "bea@team.example" not in current and "carl@team.example" in current
    refused = gw("member", "list", "--removed", user="carl@team.example")
    assert refused.exit_code == 5


def test_workspace_option_picks_the_workspace(gw, fresh_url):
    ok(gw("contact", "add", "Pat Quill"))
    runner = CliRunner()
    named = runner.invoke(app, ["--db", fresh_url, "--workspace", "My network",
                                "contact", "list", "--json"])  # fmt: skip
    assert [c["display_name"] for c in as_json(named)] == ["Pat Quill"]
    missing = runner.invoke(app, ["--db", fresh_url, "--workspace", "Elsewhere", "contact", "list"])
    assert missing.exit_code == 3
    assert "not a member of a workspace 'Elsewhere'" in missing.stderr
