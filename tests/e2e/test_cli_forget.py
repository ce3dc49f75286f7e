"""`goodwill forget` end to end: confirmation, forgetting, the suppression list."""

from __future__ import annotations

import pytest

from tests.e2e.cli import as_json, ok

NAME = "Pat Quill"
EMAIL = "pat.quill@example.com"


@pytest.fixture
def pat(gw) -> int:
    added = as_json(
        gw(
            "contact", "add", NAME, "-e", EMAIL, "-p", "(415) 555-0123",
            "-f", "linkedin=https://linkedin.com/in/pat-quill", "--json",
        )
    )  # fmt: skip
    ok(gw("log", "call", str(added["id"]), "-m", f"called {NAME}"))
    return int(added["id"])


def test_forget_without_yes_and_without_a_terminal_refuses(gw, pat):
    refused = gw("forget", NAME)
    assert refused.exit_code == 2
    assert "Forget #1 Pat Quill for good?" in refused.stderr and "--yes" in refused.stderr
    assert as_json(gw("contact", "show", str(pat), "--json"))["display_name"] == NAME


def test_forget_with_yes_erases_and_prints_counts_without_the_name(gw, pat):
    result = ok(gw("forget", EMAIL, "--yes"))
    assert f"forgotten: contact #{pat}" in result.stdout
    assert "participations" in result.stdout
    assert NAME not in result.stdout and EMAIL not in result.stdout
    assert gw("contact", "show", str(pat)).exit_code == 3
    assert as_json(gw("interaction", "list", "--json")) == []


def test_forget_json_returns_the_summary(gw, pat):
    summary = as_json(gw("forget", f"#{pat}", "--yes", "--json"))
    assert summary["contact_id"] == pat
    assert (summary["emails"], summary["phones"], summary["suppressed_keys"]) == (1, 1, 3)
    assert summary["interactions_removed"] == 1


def test_forget_list_shows_kinds_and_hash_prefixes_only(gw, pat):
    assert as_json(gw("forget", "--list", "--json")) == []
    ok(gw("forget", str(pat), "--yes"))
    listed = as_json(gw("forget", "--list", "--json"))
    assert sorted(s["kind"] for s in listed) == ["email", "phone", "url"]
    assert all(len(s["hash_prefix"]) == 12 for s in listed)
    text = ok(gw("forget", "--list")).stdout
    assert "email" in text and EMAIL not in text and "linkedin" not in text


def test_forget_unsuppress_lifts_one_key_then_reports_not_found(gw, pat):
    ok(gw("forget", str(pat), "--yes"))
    lifted = ok(gw("forget", "--unsuppress", "Pat.Quill@Example.com"))
    assert "email" in lifted.stdout and "may be imported again" in lifted.stdout
    assert sorted(s["kind"] for s in as_json(gw("forget", "--list", "--json"))) == ["phone", "url"]
    again = gw("forget", "--unsuppress", EMAIL)
    assert again.exit_code == 3
    assert "that email is not suppressed" in again.stderr


def test_forget_unsuppress_by_a_member_is_refused(gw, pat):
    ok(gw("user", "add", "bea@team.example"))
    ok(gw("forget", str(pat), "--yes"))
    refused = gw("forget", "--unsuppress", EMAIL, user="bea@team.example")
    assert refused.exit_code == 5


def test_forget_unknown_contact_exits_3(gw, pat):
    missing = gw("forget", "nobody@example.com", "--yes")
    assert missing.exit_code == 3
    assert "no contact with email nobody@example.com" in missing.stderr
    assert gw("forget", "999", "--yes").exit_code == 3


@pytest.mark.parametrize(
    "args",
    [[], ["--list", "--unsuppress", EMAIL], [NAME, "--list"]],
    ids=["nothing", "list-and-unsuppress", "contact-and-list"],
)
def test_forget_needs_exactly_one_of_contact_list_unsuppress(gw, args):
    refused = gw("forget", *args, "--yes")
    assert refused.exit_code == 2
    assert "exactly one of CONTACT, --list or --unsuppress" in refused.stderr
