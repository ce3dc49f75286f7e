"""The outreach coach: sentence splitting, each rule and its threshold, kinds, verdicts."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goodwill.domain.coach import (
    ADVICE,
    BLURB_MAX_WORDS,
    COLD_MAX_WORDS,
    COLD_MIN_WORDS,
    INFO_COST,
    KINDS,
    LONG_SENTENCE_WORDS,
    NEEDS_WORK,
    READY,
    REPLY_MAX_WORDS,
    REWRITE,
    REWRITE_WARNINGS,
    SEVERITY,
    WARNING,
    WARNING_COST,
    analyse,
    has_blurb,
    parse_kind,
    review,
)
from goodwill.domain.drafts import split_draft, split_sentences
from goodwill.errors import ValidationFailed
from goodwill.services.coach import review_draft

DATA = Path(__file__).resolve().parents[1] / "data" / "coach"

# A note that does everything the coach asks: their situation, an offer, a forwardable
# line, a question about them, how long and what happens next.
GOOD = (
    "Hi Ana,\n\n"
    "I saw your team is hiring data engineers and finding Kafka experience hard to come by. "
    "I know two strong engineers from my last team, and I'm happy to share their profiles. "
    'Short version to forward: "Ben Ortiz ran data at Lumen and knows two Kafka engineers '
    "looking for new roles.\" Would a 15-minute call next week help you? I'll send two times. "
    "What does your hiring timeline look like?\n\n"
    "Best,\nBen\n"
)


def codes(report, severity=None):
    return [f.code for f in report.findings if severity is None or f.severity == severity]


def words(n: int, word: str = "lorem") -> str:
    return " ".join([word] * n)


# --------------------------------------------------------------------- sentence splitting


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        ("One. Two! Three? Four", ["One.", "Two!", "Three?", "Four"]),
        (
            "Dr. Ruiz met Mr. J. Smith at Acme Inc. in Zürich. Then lunch.",
            ["Dr. Ruiz met Mr. J. Smith at Acme Inc. in Zürich.", "Then lunch."],
        ),
        ("Tools, e.g. Kafka, i.e. streams. Fine.", ["Tools, e.g. Kafka, i.e. streams.", "Fine."]),
        ("We closed at Acme Inc. Then we left.", ["We closed at Acme Inc.", "Then we left."]),
        (
            "See https://acme.io/a.html. Mail ana@acme.io. Done?",
            ["See https://acme.io/a.html.", "Mail ana@acme.io.", "Done?"],
        ),
        ("Thanks 🙏 Let me know 🙂 or not.", ["Thanks 🙏", "Let me know 🙂 or not."]),
        ("I was thinking... maybe later. Ok", ["I was thinking... maybe later.", "Ok"]),
        ('"Great," she said. (It was.) Fine', ['"Great," she said.', "(It was.)", "Fine"]),
        ("Up 3.5% in Q3. Nice", ["Up 3.5% in Q3.", "Nice"]),
        (
            "¿Tienes tiempo? Me encantaría conocerte.",
            ["¿Tienes tiempo?", "Me encantaría conocerte."],
        ),
        ("下周见面吧。你有空吗？好的", ["下周见面吧。", "你有空吗？", "好的"]),
        ("", []),
    ],
)
def test_split_sentences_copes_with_real_punctuation(paragraph, expected):
    assert split_sentences(paragraph) == expected


def test_split_draft_separates_greeting_body_and_signoff_with_its_signature():
    parts = split_draft(
        "Hi Ana, I hope you're well.\n\nCould we talk?\n\nThanks,\nBen Ortiz\nCEO, Lumen\n"
        "https://lumen.example\n"
    )
    assert parts.greeting == "Hi Ana,"
    assert parts.signoff == "Thanks,"
    assert parts.sentences == ("I hope you're well.", "Could we talk?")


def test_split_draft_keeps_a_postscript_after_the_signature():
    parts = split_draft("Hello Sam,\n\nShall we meet?\n\nBest,\nBen\nP.S. Loved your talk.\n")
    assert parts.sentences == ("Shall we meet?", "P.S. Loved your talk.")


def test_split_draft_reads_crlf_bullets_and_continuation_lines():
    text = (
        "Dear Dr. Núñez,\r\n\r\nThree things:\r\n- We cut costs by 20%.\r\n* Dr. Lee joined\r\n"
        "  as CTO.\r\n1) Pricing is flat.\r\n\r\nSaludos,\r\nJosé\r\n"
    )
    parts = split_draft(text)
    assert parts.greeting == "Dear Dr. Núñez,"
    assert parts.bullets == 3
    assert parts.sentences == (
        "Three things:",
        "We cut costs by 20%.",
        "Dr. Lee joined as CTO.",
        "Pricing is flat.",
    )
    assert review(text) == review(text.replace("\r\n", "\n"))


def test_split_draft_leaves_out_a_quoted_message_and_the_mobile_signature():
    parts = split_draft(
        "Tuesday works.\n\nSent from my iPhone\n\nOn Mon, 3 Mar 2025, Ana <a@x.io> wrote:\n"
        "> Could we move to Tuesday?\n"
    )
    assert (parts.sentences, parts.quoted) == (("Tuesday works.",), True)
    assert split_draft("Fine by me.\n> Could we move?\n").quoted
    assert not split_draft("Fine by me.\nSent from my iPhone\n").quoted


def test_a_lone_thanks_is_a_message_but_a_greeting_and_signoff_alone_are_empty():
    assert split_draft("Thanks!").sentences == ("Thanks!",)
    assert split_draft("Hi Ana,\n\nBest,\nBen\n").sentences == ()


# ------------------------------------------------------------------------------ the rules


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("I think we should meet. Our plan suits you.", True),  # me 3, you 1
        ("I think we should meet. Our plan suits you and your team.", False),  # me 3, you 2
        ("I wrote this. We agree.", False),  # me 2: too few to judge
        ("My team and I built this for us.", True),  # me 4, you 0
    ],
)
def test_self_focus_flags_a_draft_with_more_than_twice_as_much_me_as_you(text, flagged):
    assert ("self-focus" in codes(review(text, "ask"))) is flagged


def test_self_focus_quotes_the_most_self_centred_sentence():
    report = review("You asked a fair question. I know we built our app for me and my team.")
    finding = next(f for f in report.findings if f.code == "self-focus")
    assert finding.sentence == "I know we built our app for me and my team."
    assert "5 times and you/your 1" in finding.suggestion


def test_the_word_US_is_a_country_not_the_writer():
    assert analyse("Sales in the US grew.").me == 0
    assert analyse("Join us in the US.").me == 1


def test_feature_talk_needs_more_feature_sentences_than_reader_situation():
    features = "Our AI-powered platform has real-time dashboards. It is scalable and seamless. "
    report = review(features + "Worth a look.", "pitch")
    assert "feature-talk" in codes(report, WARNING)
    assert report.findings[codes(report).index("feature-talk")].sentence.startswith("Our AI")
    situated = features + "Your team is struggling with manual reports. Your goal is speed."
    assert "feature-talk" not in codes(review(situated, "pitch"))


def test_a_sentence_about_their_needs_is_not_feature_talk():
    sentence = analyse("Our dashboard fixes the manual reporting your team struggles with.")
    assert sentence.situation and not sentence.feature


def test_no_reader_situation_matters_most_in_a_pitch():
    text = "We make invoices. Could we talk for 15 minutes next week?"
    assert "no-reader-situation" in codes(review(text, "pitch"), WARNING)
    assert "no-reader-situation" in codes(review(text, "ask"), "info")
    assert "no-reader-situation" not in codes(review("Your team is hiring. " + text, "pitch"))


@pytest.mark.parametrize(
    ("text", "has_why"),
    [
        ("Could you meet Sam?", False),
        ("Could you meet Sam? It could save your team a week.", True),  # benefit for them
        ("Could you meet Sam? Happy to share my notes.", True),  # an offer
        ("Could you meet Sam? It saves time.", False),  # a benefit, but not theirs
    ],
)
def test_missing_why_looks_for_their_benefit_or_an_offer(text, has_why):
    assert ("missing-why" not in codes(review(text, "ask"))) is has_why


def test_intent_asks_for_the_request_how_long_and_what_next():
    vague = review("Your team is growing fast. Happy to share notes.", "ask")
    assert "unclear-ask" in codes(vague, WARNING)
    asked = review("Your team is growing. Would you be open to a call?", "ask")
    assert "unclear-ask" not in codes(asked)
    assert {"no-time-frame", "no-next-step"} <= set(codes(asked, "info"))
    timed = review("Your team is growing. Would you be open to a 15-minute call?", "ask")
    assert "no-time-frame" not in codes(timed) and "no-next-step" in codes(timed)
    planned = review("Your team is growing. Would you be open to a call? I'll send times.")
    assert "no-next-step" not in codes(planned)


def test_the_missing_pieces_are_quoted_next_to_the_ask():
    report = review("We are Acme. We make tools. Could you introduce me to Sam?", "ask")
    quoted = {f.code: f.sentence for f in report.findings}
    assert quoted["missing-why"] == quoted["no-reader-question"] == "Could you introduce me to Sam?"


@pytest.mark.parametrize(
    ("question", "about_reader"),
    [
        ("What does your hiring timeline look like?", True),
        ("How is your team handling month-end today?", True),
        ("Could you introduce me to Sam?", False),  # a request
        ("Do you have time for a call?", False),  # a request
        ("Would it help if I sent notes?", False),  # about the writer's offer
        ("What is the best time?", False),  # not about them
        ("Your timeline looks tight.", False),  # not a question
    ],
)
def test_a_question_about_the_reader_is_about_them_not_a_request(question, about_reader):
    assert analyse(question).about_reader is about_reader


@pytest.mark.parametrize(
    ("sentences", "forwardable"),
    [
        (["Dana Lee runs growth at Acme and is looking to meet ops leaders."], True),
        (["I'm Dana, head of growth at Acme.", "I'm looking to meet ops leaders."], True),
        (["I'm Dana, head of growth at Acme, and I'd like to meet you."], False),  # "you"
        (["Acme is great.", "It has many users."], False),  # who, but not what they want
        (["This is Dana, who runs growth and is looking to meet ops leaders."], False),
        (["Here is a blurb to forward:", "Dana helps ops teams."], True),
        (["Dana Lee runs growth at Acme.", words(BLURB_MAX_WORDS), "She wants to meet."], False),
    ],
)
def test_a_forwardable_blurb_says_who_and_what_without_you(sentences, forwardable):
    assert has_blurb([analyse(s) for s in sentences]) is forwardable


def test_length_limits_quote_where_it_passes_and_allow_the_limit_itself():
    head = "Your team is hiring. "
    at_limit = head + words(COLD_MAX_WORDS - 4) + "."
    assert "too-long" not in codes(review(at_limit, "ask"))
    over = review(at_limit + " One more. And more.", "ask")
    finding = next(f for f in over.findings if f.code == "too-long")
    assert finding.sentence == "One more." and finding.severity == WARNING
    assert f"{COLD_MAX_WORDS + 4} words" in finding.suggestion
    assert "too-short" in codes(review(words(COLD_MIN_WORDS - 1) + ".", "ask"))
    assert "too-short" not in codes(review(words(COLD_MIN_WORDS) + ".", "ask"))
    reply = review(words(REPLY_MAX_WORDS) + ".", "reply")
    assert "too-long" not in codes(reply) and "too-short" not in codes(reply)
    assert "too-long" in codes(review(words(REPLY_MAX_WORDS + 1) + ".", "reply"), WARNING)


def test_long_sentences_are_named_at_most_twice():
    long = "Lorem " + words(LONG_SENTENCE_WORDS) + ". "
    report = review(long * 3 + "Lorem " + words(LONG_SENTENCE_WORDS - 1) + ".", "ask")
    assert report.stats.sentences == 4
    assert codes(report).count("long-sentence") == 2


# --------------------------------------------------------------------- kinds and verdicts


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Could you introduce me to Sam at Globex?", "intro-request"),
        ("Thanks for your note. Tuesday works.", "reply"),
        ("Fine.\n\nOn Mon, Ana wrote:\n> Could you introduce me to Sam?", "reply"),
        ("Our platform has real-time dashboards. It is scalable.", "pitch"),
        ("Would you review my deck?", "ask"),
    ],
)
def test_auto_detects_the_kind(text, kind):
    report = review(text)
    assert (report.kind, report.kind_detected) == (kind, True)


def test_a_given_kind_overrides_detection_and_changes_expectations():
    text = "Sounds good, Tuesday at 10 works for me. I will bring the numbers we discussed."
    as_reply = review(text, "reply")
    assert (as_reply.kind, as_reply.kind_detected, as_reply.verdict) == ("reply", False, READY)
    as_ask = review(text, "ask")
    assert {"missing-why", "not-forwardable", "no-reader-question"} <= set(codes(as_ask))


def test_every_check_has_advice_and_a_severity_per_kind():
    assert set(SEVERITY) == set(ADVICE)
    assert all(len(row) == len(KINDS) for row in SEVERITY.values())


@pytest.mark.parametrize(
    ("value", "kind"),
    [("auto", "auto"), (" Pitch ", "pitch"), ("intro", "intro-request"), ("reply", "reply")],
)
def test_parse_kind(value, kind):
    assert parse_kind(value) == kind


def test_parse_kind_refuses_an_unknown_kind():
    with pytest.raises(ValidationFailed, match="kind: must be one of auto, ask, pitch"):
        parse_kind("letter")


def test_verdict_follows_the_warnings_and_score_their_cost():
    good = review(GOOD)
    assert (good.verdict, good.score, codes(good)) == (READY, 100, [])
    needs = review((DATA / "needs_work_ask.txt").read_text(encoding="utf-8"))
    assert 0 < len(codes(needs, WARNING)) < REWRITE_WARNINGS and needs.verdict == NEEDS_WORK
    for report in (good, needs, review("Can we chat?")):
        warnings = len(codes(report, WARNING))
        infos = len(report.findings) - warnings
        assert report.score == max(0, 100 - WARNING_COST * warnings - INFO_COST * infos)
        assert (report.verdict == REWRITE) is (warnings >= REWRITE_WARNINGS)
        assert codes(report) == codes(report, WARNING) + codes(report, "info")


# --------------------------------------------------- the drafts the issue asks about, and more


@pytest.mark.parametrize("kind", ["auto", "pitch", "intro-request"])
def test_a_features_only_pitch_with_a_cold_intro_ask_is_flagged(kind):
    report = review((DATA / "features_pitch_cold_intro.txt").read_text(encoding="utf-8"), kind)
    assert {"self-focus", "missing-why", "no-reader-question"} <= set(codes(report, WARNING))
    assert report.verdict == REWRITE


@pytest.mark.parametrize("kind", ["auto", "ask", "pitch"])
def test_a_short_note_about_their_problem_with_an_offer_passes_cleanly(kind):
    report = review((DATA / "good_short_note.txt").read_text(encoding="utf-8"), kind)
    assert codes(report, WARNING) == [] and report.verdict == READY
    assert report.stats.situation_sentences >= 1 and report.stats.questions == 1


@pytest.mark.parametrize(
    ("name", "kind", "detected", "verdict"),
    [
        ("features_pitch_cold_intro.txt", "auto", "intro-request", REWRITE),
        ("good_short_note.txt", "auto", "ask", READY),
        ("good_intro_request.txt", "auto", "intro-request", READY),
        ("good_reply_quoted.txt", "auto", "reply", READY),
        ("good_pitch_crlf_bullets.txt", "pitch", "pitch", READY),
        ("needs_work_ask.txt", "auto", "ask", NEEDS_WORK),
        ("rambling_ask.txt", "auto", "ask", REWRITE),
        ("one_liner.txt", "auto", "ask", REWRITE),
    ],
)
def test_fixture_drafts_get_their_verdicts(name, kind, detected, verdict):
    report = review((DATA / name).read_text(encoding="utf-8"), kind)
    assert (report.kind, report.verdict) == (detected, verdict), codes(report)


def test_the_crlf_pitch_keeps_its_bullets_url_and_abbreviations_whole():
    report = review((DATA / "good_pitch_crlf_bullets.txt").read_text(encoding="utf-8"), "pitch")
    assert (report.stats.greeting, report.stats.signoff) == ("Hi Dr. Núñez,", "Saludos,")
    assert report.stats.bullets == 3
    parts = split_draft((DATA / "good_pitch_crlf_bullets.txt").read_text(encoding="utf-8"))
    assert "alerts within 5 min. of a temperature drift" in parts.sentences
    assert "details: https://parcelpath.example/cold-chain.html" in parts.sentences


def test_the_rambling_ask_is_told_where_to_cut():
    report = review((DATA / "rambling_ask.txt").read_text(encoding="utf-8"))
    assert {"self-focus", "too-long", "no-reader-question"} <= set(codes(report, WARNING))
    assert report.stats.words > COLD_MAX_WORDS


# ------------------------------------------------------------------------------ the service


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "draft: is empty"),
        (" \r\n\t\n", "draft: is empty"),
        ("Hi Ana,\n\nBest,\nBen", "draft: has no message between the greeting and the sign-off"),
        ("Hello\x00there", "draft: contains a NUL byte"),
        ("a" * 100_001, "draft: is longer than 100000 characters"),
    ],
)
def test_review_draft_refuses_empty_and_unreadable_drafts(text, message):
    with pytest.raises(ValidationFailed, match=message):
        review_draft(text)


def test_review_draft_checks_the_kind_and_reviews():
    with pytest.raises(ValidationFailed, match="kind"):
        review_draft(GOOD, "memo")
    assert review_draft(GOOD, "intro") == review(GOOD, "intro-request")


# ---------------------------------------------------------------------------- properties

PIECES = [
    "Hi Ana,", "Dear Dr. Núñez,", "Best,", "Thanks!", "- a bullet", "1) first", "> quoted",
    "On Mon, Ana wrote:", "https://x.io/a.b.", "e.g.", "Inc.", "🙂", "🙏 ", "¿Qué tal?", "你好。",
    "I", "we", "you", "your", "our platform", "Could you introduce me?", "happy to help",
    "15 minutes", "next week", "What does your team need?", "\r\n", "\n\n", " ", ".", "...",
]  # fmt: skip
drafts = st.one_of(
    st.text(max_size=400),
    st.lists(st.sampled_from(PIECES) | st.text(max_size=12), max_size=60).map("".join),
)


def _collapsed(text: str) -> str:
    return " ".join(text.split())


@settings(max_examples=400, deadline=None)
@given(drafts, st.sampled_from([*KINDS, "auto"]))
def test_any_text_gives_a_deterministic_well_formed_report(text, kind):
    report = review(text, kind)
    assert review(text, kind) == report
    assert 0 <= report.score <= 100
    assert report.verdict in (READY, NEEDS_WORK, REWRITE)
    assert (report.verdict == READY) is (not codes(report, WARNING))
    assert report.kind in KINDS
    whole = _collapsed(text)
    for finding in report.findings:
        assert finding.code in ADVICE and finding.severity in (WARNING, "info")
        assert _collapsed(finding.sentence) in whole


@pytest.mark.parametrize(
    "text",
    ["?" * 100_000, "(a" * 50_000, "'a" * 50_000, "a" * 100_000, ". " * 50_000, "🙂" * 100_000],
    ids=["questions", "brackets", "apostrophes", "one-word", "periods", "emoji"],
)
def test_pathological_drafts_of_the_largest_size_are_reviewed_in_linear_time(text):
    # Each of these took 8-100 s while a regex rescanned the rest of the text per position.
    started = time.perf_counter()
    review(text)
    assert time.perf_counter() - started < 3.0
