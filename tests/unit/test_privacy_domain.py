"""Unit tests for goodwill.domain.privacy: suppression hashes, identity keys, scrubbing."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from goodwill.domain.privacy import (
    FORGOTTEN,
    SuppressionKind,
    Traces,
    identity_key,
    looks_like_url,
    normalize_url,
    profile_urls,
    scrub,
    scrub_values,
    suppression_hash,
    trace_pattern,
)

PAT = Traces(
    names=("Pat Quill",),
    emails=("pat.q@example.com",),
    phones=("+14155550123", "+442079460000"),
)

# ----------------------------------------------------------------- suppression_hash


def test_suppression_hash_is_sha256_over_salt_kind_value():
    # Digests computed outside Python: printf '%s' 's4lt:email:pat@example.com' | sha256sum
    assert (
        suppression_hash("s4lt", "email", "pat@example.com")
        == "c4dd2e3fb62ee79a42a09ca78c39d04240f7b8f0f745309d09a0b13fc18bef8d"
    )
    assert (
        suppression_hash("s4lt", "phone", "+14155550123")
        == "63b45682bc0ca0a6d6ec14a750b96cff303871e1a740b5c30dfe1de863e9ce0c"
    )


def test_suppression_hash_differs_by_salt_and_kind():
    base = suppression_hash("a", "email", "x@example.com")
    assert base != suppression_hash("b", "email", "x@example.com")
    assert base != suppression_hash("a", "url", "x@example.com")


@given(st.text(max_size=40), st.sampled_from(list(SuppressionKind)), st.text(max_size=80))
def test_suppression_hash_is_64_hex_chars_and_never_the_value(salt, kind, value):
    digest = suppression_hash(salt, kind, value)
    assert len(digest) == 64 and set(digest) <= set("0123456789abcdef")
    assert digest == suppression_hash(salt, kind, value)


# ----------------------------------------------------------------- identity keys and URLs


@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [
        ("email", "  Pat.Q@Example.COM ", "pat.q@example.com"),
        ("phone", " +14155550123 ", "+14155550123"),
        ("url", "HTTPS://www.LinkedIn.com/in/Pat-Q/?trk=abc#top", "linkedin.com/in/pat-q"),
        ("url", "http://linkedin.com/in/pat-q", "linkedin.com/in/pat-q"),
    ],
)
def test_identity_key_canonicalizes_each_kind(kind, raw, expected):
    assert identity_key(kind, raw) == expected
    assert identity_key(kind, expected) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://linkedin.com/in/pat", True),
        (" http://example.org ", True),
        ("ftp://example.org/file", False),
        ("linkedin.com/in/pat", False),
        ("https://", False),
        ("see https://x.org", False),
        (42, False),
    ],
)
def test_looks_like_url_only_for_http_and_https_values(value, expected):
    assert looks_like_url(value) is expected


def test_profile_urls_finds_url_values_once_each():
    fields = {
        "linkedin": "https://www.linkedin.com/in/pat-q/",
        "twitter": "http://twitter.com/PatQ",
        "again": "https://linkedin.com/in/Pat-Q",
        "birthday": "1990-04-01",
    }
    assert profile_urls(fields) == ["linkedin.com/in/pat-q", "twitter.com/patq"]
    assert profile_urls(None) == []


def test_normalize_url_drops_www_case_query_fragment_and_slash():
    assert normalize_url("https://WWW.Example.org/A/b/?q=1#x") == "example.org/a/b"


# ----------------------------------------------------------------- scrubbing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Lunch with Pat Quill", f"Lunch with {FORGOTTEN}"),
        ("PAT   quill said hi", f"{FORGOTTEN} said hi"),
        ("mail pat.q@example.com.", f"mail {FORGOTTEN}."),
        ("<PAT.Q@EXAMPLE.COM>", f"<{FORGOTTEN}>"),
        ("call +14155550123 now", f"call {FORGOTTEN} now"),
        ("digits 14155550123", f"digits {FORGOTTEN}"),
        ("us (415) 555-0123 or 415.555.0123", f"us {FORGOTTEN} or {FORGOTTEN}"),
        ("+1 415 555 0123", FORGOTTEN),
        ("uk +44 (0)20 7946 0000 or 020 7946 0000", f"uk {FORGOTTEN} or {FORGOTTEN}"),
        ("0044 20 7946 0000", FORGOTTEN),
    ],
)
def test_scrub_replaces_names_emails_and_phones_in_any_case_or_format(text, expected):
    assert scrub(text, trace_pattern(PAT)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Pat Quillson is someone else",
        "xpat.q@example.com is another address",
        "pat.q@example.com.au is another address",
        "order 9914155550123 is not a phone",
        "one digit more: 41555501234",
    ],
)
def test_scrub_leaves_longer_words_addresses_and_numbers_alone(text):
    assert scrub(text, trace_pattern(PAT)) == text


def test_scrub_of_a_one_word_name_spares_words_that_contain_it():
    pattern = trace_pattern(Traces(names=("Bob",), emails=(), phones=()))
    assert scrub("Bob met Bobby over kebob; bob!", pattern) == (
        f"{FORGOTTEN} met Bobby over kebob; {FORGOTTEN}!"
    )


def test_trace_pattern_without_traces_scrubs_nothing():
    pattern = trace_pattern(Traces(names=(" ",), emails=(), phones=()))
    assert pattern is None
    assert scrub("Pat Quill", pattern) == "Pat Quill"


def test_scrub_values_scrubs_only_text_values():
    fields = {"referred by": "Pat Quill", "count": 3, "site": "https://x.org"}
    assert scrub_values(fields.items(), trace_pattern(PAT)) == {
        "referred by": FORGOTTEN,
        "count": 3,
        "site": "https://x.org",
    }


@given(st.text(max_size=100))
def test_scrub_replaces_each_trace_and_keeps_the_text_around_it(noise):
    assume("pat" not in noise.casefold() and not any(c.isdigit() for c in noise))
    text = f"{noise} Pat Quill {noise}\tpat.q@example.com {noise} +14155550123 {noise}"
    assert scrub(text, trace_pattern(PAT)) == (
        f"{noise} {FORGOTTEN} {noise}\t{FORGOTTEN} {noise} {FORGOTTEN} {noise}"
    )
