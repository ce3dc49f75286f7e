"""Password policy, token scopes and the login rate-limit arithmetic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from goodwill.domain import auth
from goodwill.errors import ValidationFailed

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def test_check_password_accepts_ten_characters_and_keeps_spaces():
    assert auth.check_password(" ten chars ") == " ten chars "


@pytest.mark.parametrize("bad", ["short", "x" * 9, " " * 12, "a\x00" * 6, "y" * 1025])
def test_check_password_refuses_weak_or_malformed(bad):
    with pytest.raises(ValidationFailed) as info:
        auth.check_password(bad)
    assert info.value.field == "password"


def test_parse_scope_knows_api_dav_feed():
    assert [auth.parse_scope(s) for s in ("api", " DAV ", "feed")] == ["api", "dav", "feed"]
    with pytest.raises(ValidationFailed):
        auth.parse_scope("admin")


def test_secret_hash_is_sha256_hex():
    assert auth.secret_hash("abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )


def test_looks_like_token_wants_the_prefix_and_a_sane_length():
    assert auth.looks_like_token("gw_" + "a" * 43)
    assert not auth.looks_like_token("a" * 46)
    assert not auth.looks_like_token("gw_" + "a" * 500)
    assert not auth.looks_like_token("gw_ééééééééééé")


def test_retry_after_is_none_under_the_limit():
    assert auth.retry_after([NOW] * 4, 5, NOW) is None


def test_retry_after_counts_from_the_oldest_counted_failure():
    failures = [NOW - timedelta(minutes=m) for m in (10, 8, 6, 4, 2)]
    assert auth.retry_after(failures, 5, NOW) == 5 * 60 + 1


def test_last_used_is_written_at_most_once_a_minute():
    assert auth.needs_last_used_update(None, NOW)
    assert not auth.needs_last_used_update(NOW - timedelta(seconds=59), NOW)
    assert auth.needs_last_used_update(NOW - timedelta(seconds=60), NOW)
