"""Email importers: mbox, Maildir and .eml folders -> ImportedMessage records and errors."""

from __future__ import annotations

import hashlib
import tracemalloc
from datetime import UTC, datetime
from email.utils import getaddresses
from pathlib import Path

import pytest

from goodwill.errors import ImportFailed
from goodwill.importers.email_formats import (
    is_bulk,
    is_maildir,
    is_no_reply,
    message_result,
    parse_eml,
    parse_maildir,
    parse_mbox,
    sniff_eml,
    sniff_mbox,
    split_addresses,
)
from goodwill.importers.records import Correspondent, ImportedMessage, Location, RecordError

DATA = Path(__file__).resolve().parents[1] / "data" / "email"
ARCHIVE = DATA / "archive.mbox"


def _by_record(results: list[ImportedMessage | RecordError]) -> dict[int, object]:
    return {result.location.record: result for result in results}


def _message(record: int, keep_bodies: bool = False) -> ImportedMessage:
    result = _by_record(list(parse_mbox(ARCHIVE, keep_bodies=keep_bodies)))[record]
    assert isinstance(result, ImportedMessage)
    return result


def _error(record: int) -> RecordError:
    result = _by_record(list(parse_mbox(ARCHIVE)))[record]
    assert isinstance(result, RecordError)
    return result


# ------------------------------------------------------------------------------- mbox


def test_parse_mbox_reads_every_message_with_its_postmark_line() -> None:
    results = list(parse_mbox(ARCHIVE))

    assert [r.location.record for r in results] == list(range(1, 11))
    assert [r.location.line for r in results][:3] == [1, 19, 27]
    assert {r.location.file for r in results} == {"archive.mbox"}
    assert sum(isinstance(r, RecordError) for r in results) == 3


def test_parse_mbox_keys_message_by_message_id_without_brackets() -> None:
    assert _message(1).key == "first-1@mail.example.com"
    assert _message(6).key == "encoded-6@example.com"  # "<  encoded-6@example.com  >"


def test_parse_mbox_hashes_date_from_subject_when_message_id_is_missing() -> None:
    basis = "Tue, 9 Jan 2024 09:30:00 -0500|bob@example.com|No message id here"

    assert _message(2).key == "sha256:" + hashlib.sha256(basis.encode()).hexdigest()


def test_parse_mbox_reads_date_in_utc_and_sender_lower_cased() -> None:
    message = _message(1)

    assert message.occurred_at == datetime(2024, 1, 8, 9, 0, tzinfo=UTC)
    assert message.sender == Correspondent("ann@example.com", "Ann Lee")
    assert message.recipients == (Correspondent("me@example.org", "Me"),)
    assert message.subject == "Coffee next week?"


def test_parse_mbox_reports_message_without_date() -> None:
    error = _error(3)

    assert (error.field, error.reason) == ("Date", "no Date header")
    assert error.location.line == 27


def test_parse_mbox_reports_unreadable_date() -> None:
    error = _error(9)

    assert error.field == "Date"
    assert "sometime last week" in error.reason


def test_parse_mbox_reports_message_without_from() -> None:
    assert _error(7).field == "From"


def test_parse_mbox_marks_mailing_list_and_newsletter_as_bulk() -> None:
    assert _message(4).bulk  # List-Id and Precedence: list
    assert _message(10).bulk  # List-Unsubscribe only
    assert not _message(1).bulk


def test_parse_mbox_marks_no_reply_sender() -> None:
    assert _message(5).no_reply
    assert not _message(1).no_reply


def test_parse_mbox_decodes_rfc2047_names_and_folded_subject() -> None:
    message = _message(6)

    assert message.sender == Correspondent("renee@example.com", "Renée Müller")
    assert message.recipients[0] == Correspondent("francois@example.fr", "François Dupont")
    assert message.subject == "Café à Zürich — demain (RSVP)"


def test_parse_mbox_dedupes_recipients_and_skips_invalid_addresses() -> None:
    # To: François, "Lee, Ann" <ANN@...>, a group; Cc: ann@ again, junk, <@broken>, ME@...
    assert _message(6).recipients == (
        Correspondent("francois@example.fr", "François Dupont"),
        Correspondent("ann@example.com", "Lee, Ann"),
        Correspondent("me@example.org", "Me"),
    )


def test_parse_mbox_reads_raw_utf8_headers_and_zoneless_date_as_utc() -> None:
    message = _message(8)

    assert message.sender.name == "Zoë Ångström"
    assert message.subject == "Hej från Malmö"
    assert message.occurred_at == datetime(2024, 1, 15, 16, 0, tzinfo=UTC)


def test_parse_mbox_leaves_bodies_out_unless_asked() -> None:
    assert _message(1).body is None
    assert _message(2, keep_bodies=True).body == "Bob's message has no Message-ID header."


def test_parse_mbox_unquotes_from_lines_and_does_not_split_on_unquoted_ones() -> None:
    body = _message(1, keep_bodies=True).body

    assert body is not None
    assert "\nFrom the desk of Ann: this line" in body
    assert "\n>From a nested quote." in body
    assert "\nFrom the start this line was not quoted" in body
    assert body.endswith("Ann")


def test_parse_mbox_reads_thunderbird_file_with_crlf_lines() -> None:
    results = list(parse_mbox(DATA / "thunderbird_crlf.mbox", keep_bodies=True))

    assert [r.key for r in results if isinstance(r, ImportedMessage)] == [
        "crlf-1@example.com",
        "crlf-2@example.com",
    ]
    first = results[0]
    assert isinstance(first, ImportedMessage)
    assert first.body == "CRLF line endings.\nFrom quoted."


def test_parse_mbox_splits_on_full_postmark_without_blank_line(tmp_path: Path) -> None:
    mbox = tmp_path / "tight.mbox"
    mbox.write_bytes(
        b"From a@x Mon Jan  8 10:00:00 2024\nFrom: a@x\nDate: Mon, 8 Jan 2024 10:00:00 +0000\n"
        b"\nbody\nFrom b@y Tue Jan  9 10:00:00 2024\nFrom: b@y\n"
        b"Date: Tue, 9 Jan 2024 10:00:00 +0000\n\nFrom here on, we talk.\n"
    )

    senders = [r.sender.email for r in parse_mbox(mbox) if isinstance(r, ImportedMessage)]

    assert senders == ["a@x", "b@y"]


def test_parse_mbox_does_not_split_on_sentence_starting_with_from(tmp_path: Path) -> None:
    mbox = tmp_path / "prose.mbox"
    mbox.write_bytes(
        b"From a@x Mon Jan  8 10:00:00 2024\nFrom: a@x\nDate: Mon, 8 Jan 2024 10:00:00 +0000\n"
        b"\nFirst paragraph.\n\nFrom here on, we talk.\n"
    )

    results = list(parse_mbox(mbox, keep_bodies=True))

    assert len(results) == 1
    assert isinstance(results[0], ImportedMessage)
    assert results[0].body == "First paragraph.\n\nFrom here on, we talk."


def test_parse_mbox_rejects_file_that_is_not_an_mbox_at_once() -> None:
    with pytest.raises(ImportFailed, match=r"^notes\.txt: not an mbox file"):
        next(parse_mbox(DATA / "notes.txt"))


def test_parse_mbox_rejects_folder_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="is a folder"):
        next(parse_mbox(tmp_path))
    with pytest.raises(ImportFailed, match=r"^gone\.mbox: cannot be read"):
        next(parse_mbox(tmp_path / "gone.mbox"))


def test_parse_mbox_of_empty_file_yields_nothing(tmp_path: Path) -> None:
    empty = tmp_path / "empty.mbox"
    empty.write_bytes(b"")

    assert list(parse_mbox(empty)) == []


@pytest.mark.slow
def test_parse_mbox_memory_stays_flat_on_50k_messages(tmp_path: Path) -> None:
    mbox = tmp_path / "big.mbox"
    with mbox.open("wb") as out:
        for n in range(50_000):
            out.write(
                b"From a%d@x Mon Jan  8 10:00:00 2024\nMessage-ID: <m%d@x>\n"
                b"Date: Mon, 8 Jan 2024 10:00:00 +0000\nFrom: Ann <a%d@x>\nTo: me@y\n"
                b"Subject: note %d\n\nA line of body text, long enough to weigh something.\n\n"
                % (n, n, n, n)
            )
    count = 0
    tracemalloc.start()
    try:
        for result in parse_mbox(mbox):
            count += isinstance(result, ImportedMessage)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert count == 50_000
    assert mbox.stat().st_size > 10_000_000
    assert peak < 2_000_000  # the file is over 10 MB; keeping the records would take 50 MB


# ---------------------------------------------------------------------- Maildir, .eml


def test_parse_maildir_reads_cur_then_new_by_name_skipping_hidden_and_subfolders() -> None:
    results = list(parse_maildir(DATA / "maildir"))

    assert [r.location.file for r in results] == [
        "maildir/cur/1704700000.M1P100.host:2,S",
        "maildir/cur/1704800000.M2P100.host:2,RS",
        "maildir/new/1704900000.M3P100.host",
    ]
    assert [r.key for r in results if isinstance(r, ImportedMessage)] == [
        "maildir-cur-1@example.com",
        "maildir-cur-2@example.com",
        "maildir-new-3@example.com",
    ]


def test_parse_maildir_rejects_folder_without_cur_and_new() -> None:
    assert is_maildir(DATA / "maildir")
    assert not is_maildir(DATA / "eml_folder")
    with pytest.raises(ImportFailed, match=r"^eml_folder: not a Maildir"):
        next(parse_maildir(DATA / "eml_folder"))


def test_parse_eml_reads_folder_in_name_order_and_reports_broken_file() -> None:
    results = list(parse_eml(DATA / "eml_folder"))

    assert [r.location.file for r in results] == [
        "eml_folder/01-hello.eml",
        "eml_folder/02-reply.EML",
        "eml_folder/03-broken.eml",
    ]
    assert isinstance(results[0], ImportedMessage)  # starts with an mbox postmark line
    assert isinstance(results[2], RecordError)
    assert results[2].field == "From"


def test_parse_eml_keeps_plain_part_of_multipart_body() -> None:
    (message,) = parse_eml(DATA / "single.eml", keep_bodies=True)

    assert isinstance(message, ImportedMessage)
    assert message.body == "Café at ten?"
    assert message.recipients == (Correspondent("jack@example.com", "Jack"),)


def test_parse_eml_keeps_all_200_recipients_of_a_broadcast() -> None:
    (message,) = parse_eml(DATA / "many_recipients.eml")

    assert isinstance(message, ImportedMessage)
    assert len(message.recipients) == 200
    assert message.recipients[-1] == Correspondent("person200@example.com", "Person 200")


def test_parse_eml_rejects_file_that_is_not_an_email(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match=r"^notes\.txt: not an email message"):
        next(parse_eml(DATA / "notes.txt"))
    with pytest.raises(ImportFailed, match="no .eml files"):
        next(parse_eml(tmp_path))


# -------------------------------------------------------------------- pure functions


@pytest.mark.parametrize(
    "address",
    [
        "noreply@github.com",
        "no-reply@accounts.google.com",
        "No_Reply@x.com",
        "noreply-dmarc-support@google.com",
        "donotreply@bank.com",
        "do-not-reply@x.org",
        "MAILER-DAEMON@mx.example.com",
        "notifications@github.com",
        "notification@x.com",
        "bounces+12345@sendgrid.net",
        "bounce-abc@lists.example.com",
    ],
)
def test_is_no_reply_recognizes_automatic_senders(address: str) -> None:
    assert is_no_reply(address)


@pytest.mark.parametrize(
    "address", ["ann@example.com", "reply+abc@reply.github.com", "bouncer@club.com", "noah@x.com"]
)
def test_is_no_reply_leaves_people_alone(address: str) -> None:
    assert not is_no_reply(address)


@pytest.mark.parametrize(
    ("list_id", "precedence", "unsubscribe", "expected"),
    [
        ("<dev.lists.x>", None, None, True),
        (None, " Bulk ", None, True),
        (None, "junk", None, True),
        (None, None, "<mailto:u@x>", True),
        (None, "first-class", None, False),
        (None, None, None, False),
    ],
)
def test_is_bulk_reads_list_headers(
    list_id: str | None, precedence: str | None, unsubscribe: str | None, expected: bool
) -> None:
    assert is_bulk(list_id, precedence, unsubscribe) is expected


@pytest.mark.parametrize(
    ("head", "mbox", "eml"),
    [
        ((DATA / "archive.mbox").read_bytes(), True, False),
        ((DATA / "thunderbird_crlf.mbox").read_bytes(), True, False),
        ((DATA / "single.eml").read_bytes(), False, True),
        (b"BEGIN:VCARD\nVERSION:3.0\nFN:Ann\nEMAIL:a@x\nEND:VCARD\n", False, False),
        (b"BEGIN:VCALENDAR\nVERSION:2.0\nEND:VCALENDAR\n", False, False),
        (b"First Name,Last Name,Email Address\nAnn,Lee,a@x\n", False, False),
        ((DATA / "notes.txt").read_bytes(), False, False),
        (b"From: a@x\nDate: Mon, 8 Jan 2024 10:00:00 +0000", False, True),  # no final newline
        (b"From: a@x\nSubject: cut by the window\nX-Lon", False, True),
        (b"", False, False),
    ],
)
def test_sniffers_tell_email_formats_from_others(head: bytes, mbox: bool, eml: bool) -> None:
    assert sniff_mbox(head) is mbox
    assert sniff_eml(head) is eml


@pytest.mark.parametrize(
    "value",
    [
        "Ann   Lee <a@x.com>",
        '"Lee, Ann" <a@x.com>, b@y.org',
        '"Ann \\"The\\" Lee" <a@x.com>',
        "=?utf-8?q?A?= =?utf-8?q?B?= <a@x>",
        "Ann . Lee <a@x>, <b@y>",
        "Ann (work) <a@x>",
        "team: a@x, b@y;",
        "x@y, , z@w",
    ],
)
def test_split_addresses_agrees_with_getaddresses(value: str) -> None:
    assert split_addresses([value]) == getaddresses([value])


def test_message_result_reads_headers_only_from_the_header_block() -> None:
    raw = (
        b"From: Ann <ann@x.org>\nDate: Mon, 8 Jan 2024 10:00:00 +0000\nSubject: Fwd\n\n"
        b"---- Forwarded message ----\nFrom: Bob <bob@y.org>\nTo: carol@z.org\n"
    )

    message = message_result(raw, Location("fwd.eml", 1))

    assert isinstance(message, ImportedMessage)
    assert message.sender.email == "ann@x.org"
    assert message.recipients == ()
