"""The mbox reader's fast paths (one RFC 2047 word, an RFC 5322 date) give exactly what
the stdlib paths they skip give, or leave the value to them."""

from __future__ import annotations

from datetime import UTC, datetime
from email.errors import MessageError
from email.header import Header, decode_header, make_header
from email.utils import format_datetime, parsedate_to_datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goodwill.importers import email_message
from goodwill.importers.email_message import _decode_words, _parse_date, _Unreadable


def stdlib_words(text: str) -> str:
    if "=?" in text:
        try:
            text = str(make_header(decode_header(text)))
        except (LookupError, UnicodeError, ValueError, MessageError):
            pass
    return text.strip()


def stdlib_date(raw: str) -> datetime | None:
    try:
        moment = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def fast_date(raw: str) -> datetime | None:
    try:
        return _parse_date(raw)
    except _Unreadable:
        return None


@settings(max_examples=400)
@given(st.text(min_size=1, max_size=40), st.sampled_from(["utf-8", "iso-8859-1", "us-ascii"]))
def test_encoded_names_decode_as_the_stdlib_does(name, charset):
    try:
        encoded = Header(name, charset).encode()
    except UnicodeError:
        return
    assert _decode_words(encoded) == stdlib_words(encoded)
    assert _decode_words(f"  {encoded} ") == stdlib_words(f"  {encoded} ")


PAYLOAD = st.text(alphabet=st.sampled_from("aZ09=_+/.-Ã©=C3=A9=c3=zz"), max_size=24)


@settings(max_examples=600)
@given(st.sampled_from(["utf-8", "UTF-8", "iso-8859-1", "us-ascii"]), st.sampled_from("bBqQ"),
       PAYLOAD)  # fmt: skip
def test_odd_encoded_words_decode_as_the_stdlib_does(charset, encoding, payload):
    word = f"=?{charset}?{encoding}?{payload}?="
    assert _decode_words(word) == stdlib_words(word)


@pytest.mark.parametrize(
    "word",
    ["=?utf-8?q?Jos=C3=A9_Garc=C3=ADa?=", "=?utf-8?b?Sm9zw6k=?=", "=?utf-8?b?Sm9zw6k?=",
     "=?us-ascii?q?caf=E9?=", "=?utf-8?q?=FF?=", "=?utf-8?q?a=2?=", "=?utf-8?q??=",
     "=?utf-8?q?a?= =?utf-8?q?b?=", "x =?utf-8?q?a?="],
)  # fmt: skip
def test_encoded_word_edges(word):
    assert _decode_words(word) == stdlib_words(word)


@settings(max_examples=500)
@given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)),
       st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59))  # fmt: skip
def test_dates_parse_as_the_stdlib_does(moment, minutes):
    from datetime import timedelta, timezone

    raw = format_datetime(
        moment.replace(microsecond=0, tzinfo=timezone(timedelta(minutes=minutes)))
    )
    assert email_message._DATE.fullmatch(raw)  # the fast path is taken
    assert fast_date(raw) == stdlib_date(raw)


@pytest.mark.parametrize(
    "raw",
    ["Mon, 03 Jan 2022 08:00:00 +0000", "3 Jan 2022 08:00:00 -0000",
     "Mon, 03 Jan 2022 24:00:00 +0000", "Mon, 31 Feb 2022 08:00:00 +0000",
     "Mon, 03 Jan 2022 08:00:60 +0000", "Mon, 03 Jan 2022 08:00:00 +2400",
     "Mon, 03 Jan 2022 08:00:00 +0099", "Mon, 03 Jan 0000 08:00:00 +0000",
     "Mon, 03 Jan 0001 00:00:00 +0100", "Mon, 03 Jan 9999 23:59:59 -0100",
     "Mon, 3 Jan 2022 08:00 +0000", "03 jan 2022 08:00:00 +0000",
     " Mon, 03 Jan 2022 08:00:00 +0000 ", "Mon, 03 Jan 2022 08:00:00 GMT", "yesterday"],
)  # fmt: skip
def test_date_edges(raw):
    assert fast_date(raw) == stdlib_date(raw)
