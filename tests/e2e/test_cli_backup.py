"""`goodwill export` and `goodwill restore` end to end, on fresh SQLite files."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from goodwill.cli.main import app
from tests.e2e.cli import ok


@pytest.fixture
def gw(tmp_path):
    runner = CliRunner()

    def invoke(db: str, *args: str):
        return runner.invoke(app, ["--db", f"sqlite:///{tmp_path / db}", *args])

    return invoke


def failed(result, code: int) -> str:
    assert result.exit_code == code, (result.stdout, result.stderr)
    message = result.stderr.strip()
    assert message.startswith("error: ") and "\n" not in message, message
    return message


def test_export_restore_export_gives_the_same_bytes(gw, tmp_path):
    ok(gw("a.db", "demo", "--contacts", "20", "--seed", "4"))
    ok(gw("a.db", "contact", "add", "Zoë Ångström", "-e", "zoe@example.org", "-f", "ville=Malmö"))
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    assert "backup written to" in ok(gw("a.db", "export", "--out", str(first))).stdout
    counts = json.loads(ok(gw("b.db", "restore", str(first), "--json")).stdout)
    assert counts["contacts"] == 21 and counts["interactions"] > 0 and counts["users"] == 1
    ok(gw("b.db", "export", "--format", "json", "--out", str(second)))
    assert second.read_bytes() == first.read_bytes()
    assert ok(gw("b.db", "export")).stdout_bytes == first.read_bytes()
    assert ok(gw("b.db", "export", "--out", "-")).stdout_bytes == first.read_bytes()
    shown = json.loads(ok(gw("b.db", "contact", "show", "zoe@example.org", "--json")).stdout)
    assert shown["custom_fields"] == {"ville": "Malmö"}


def test_restore_prints_the_counts(gw, tmp_path):
    ok(gw("a.db", "contact", "add", "Ann Able"))
    ok(gw("a.db", "export", "--out", str(tmp_path / "a.json")))
    text = ok(gw("b.db", "restore", str(tmp_path / "a.json"))).stdout
    assert "restored" in text and "contacts 1" in text


def test_restore_into_a_database_in_use_exits_4_and_keeps_it(gw, tmp_path):
    ok(gw("a.db", "contact", "add", "Ann Able"))
    ok(gw("a.db", "export", "--out", str(tmp_path / "a.json")))
    ok(gw("b.db", "contact", "add", "Bob Baker"))
    message = failed(gw("b.db", "restore", str(tmp_path / "a.json")), 4)
    assert "restore needs an empty database; this one holds 1 contacts" in message
    listed = json.loads(ok(gw("b.db", "contact", "list", "--json")).stdout)
    assert [c["display_name"] for c in listed] == ["Bob Baker"]


def test_restore_of_a_truncated_backup_exits_6_and_writes_nothing(gw, tmp_path):
    ok(gw("a.db", "demo", "--contacts", "10"))
    ok(gw("a.db", "export", "--out", str(tmp_path / "a.json")))
    whole = (tmp_path / "a.json").read_bytes()
    (tmp_path / "half.json").write_bytes(whole[: len(whole) // 2])
    message = failed(gw("b.db", "restore", str(tmp_path / "half.json")), 6)
    assert message.startswith("error: half.json: not valid ") and "truncated" in message
    assert json.loads(ok(gw("b.db", "contact", "list", "--json")).stdout) == []


def test_restore_of_an_unknown_version_or_missing_file_exits_6(gw, tmp_path):
    ok(gw("a.db", "contact", "add", "Ann Able"))
    ok(gw("a.db", "export", "--out", str(tmp_path / "a.json")))
    document = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    document["version"] = 99
    (tmp_path / "v99.json").write_text(json.dumps(document), encoding="utf-8")
    message = failed(gw("b.db", "restore", str(tmp_path / "v99.json")), 6)
    assert "version 99 is not supported; this goodwill reads version 1" in message
    assert "cannot read" in failed(gw("b.db", "restore", str(tmp_path / "nope.json")), 6)


def test_export_in_an_unsupported_format_exits_2_naming_the_supported_ones(gw, tmp_path):
    message = failed(gw("a.db", "export", "--format", "xlsx", "--out", str(tmp_path / "x")), 2)
    assert "'xlsx' is not supported; supported formats: json, vcard, csv, ics" in message
    assert not (tmp_path / "x").exists()
