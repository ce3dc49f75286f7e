"""normalize_email's fast path gives exactly what email-validator gives."""

from __future__ import annotations

import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from goodwill.domain import people
from goodwill.errors import ValidationFailed

ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]{1,12}"
LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,8}[A-Za-z0-9])?"
PLAIN = rf"{ATOM}(?:\.{ATOM}){{0,2}}@(?:{LABEL}\.){{1,3}}(?:[A-Za-z]{{2,8}}|test|local|arpa)"


def slow(text: str) -> str | None:
    try:
        return validate_email(text, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


def fast(text: str) -> str | None:
    try:
        return people.normalize_email(text)
    except ValidationFailed:
        return None


@settings(max_examples=500)
@given(st.from_regex(PLAIN, fullmatch=True))
def test_plain_addresses_normalize_as_email_validator_does(text):
    assert fast(text) == slow(text)


@settings(max_examples=500)
@given(st.text(alphabet=st.sampled_from("aZ9.-_@+é ü\"'"), min_size=1, max_size=30))
def test_odd_addresses_normalize_as_email_validator_does(text):
    if text.strip() and "\x00" not in text:
        assert fast(text.strip()) == slow(text.strip())


@pytest.mark.parametrize(
    "text",
    ["a@x.test", "a@b.localhost", "a..b@x.com", ".a@x.com", "a@-x.com", "a@x.c1",
     "a" * 65 + "@x.com", "Ann@Example.COM", "joe+tag@sub.example.co.uk", "üser@exämple.com"],
)  # fmt: skip
def test_edge_addresses(text):
    assert fast(text) == slow(text)


def test_summary_text_drops_control_characters_and_cuts_to_size():
    from goodwill.services._import_activity import summary_text

    assert summary_text("Re:\x1b[31m lunch\x00 ") == "Re: [31m lunch"
    assert summary_text("a\tb\nc") == "a\tb\nc"
    assert summary_text("x" * 10, limit=5) == "xxxx…"
    assert summary_text("   ") is None and summary_text(None) is None
