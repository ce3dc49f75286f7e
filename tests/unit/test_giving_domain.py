"""Needs, offers and ways to give as pure rules: validation, tags, the words the
matcher compares, the token matcher, the kinds of give, keys, blocking and ranking."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goodwill.domain.giving import (
    TEXT_MAX,
    Item,
    ItemKind,
    Match,
    Suggestion,
    SuggestionKind,
    TokenMatcher,
    action_text,
    candidate_pairs,
    check_expiry,
    check_noted_on,
    clean_item_text,
    normalize_tags,
    parse_item_kind,
    rank,
    referral_kind,
    suggest,
    suggestion_key,
    suggestion_kind,
)
from goodwill.domain.giving_text import quoted_title, stem, tokens
from goodwill.errors import ValidationFailed

TODAY = date(2024, 6, 10)
NEED, OFFER = ItemKind.NEED, ItemKind.OFFER
MATCHER = TokenMatcher()


def item(ref, kind, contact, text, tags=(), name=None, **extra):
    return Item(
        ref=ref,
        kind=kind,
        contact_id=contact,
        text=text,
        tags=tuple(tags),
        noted_on=extra.pop("noted_on", TODAY),
        name=name or (f"C{contact}" if contact is not None else "you"),
        source=extra.pop("source", kind.value),
        **extra,
    )


ANA = item("n1", NEED, 1, "hiring a data engineer", ["hiring", "data engineering"], "Ana")
BEN = item("n2", OFFER, 2, "data engineer looking for a role", ["data engineering"], "Ben")
ENTRY = item("n3", OFFER, 3, "can do data entry", ["data entry"], "Gil")
CARA = item("n4", NEED, 4, "looking for a position in fintech, resume ready", ["fintech"], "Cara")
DAN = item("n5", OFFER, 5, "recruiter for fintech roles", ["recruiting", "fintech"], "Dan")
EVE = item("d6", NEED, 6, "carrier costs", source="challenge", name="Eve")
KPIS = item("n7", OFFER, None, "my article '10 logistics KPIs' on carrier costs", ["article"])


def test_parse_item_kind_knows_need_and_offer():
    assert parse_item_kind(" Need ") is NEED and parse_item_kind("OFFER") is OFFER
    with pytest.raises(ValidationFailed) as caught:
        parse_item_kind("gift")
    assert caught.value.field == "kind" and "need, offer" in caught.value.reason


def test_clean_item_text_is_required_and_at_most_1000_characters():
    assert clean_item_text("  hiring a data engineer \n") == "hiring a data engineer"
    assert clean_item_text("x" * TEXT_MAX) == "x" * TEXT_MAX
    for bad, reason in [("   ", "must not be blank"), (None, "is required"), ("x" * 1001, "1,001")]:
        with pytest.raises(ValidationFailed) as caught:
            clean_item_text(bad)
        assert caught.value.field == "text" and reason in caught.value.reason


def test_normalize_tags_from_a_string_or_a_list():
    assert normalize_tags(" Data,  hiring ,DATA, data   Engineering,, ") == [
        "data",
        "hiring",
        "data engineering",
    ]
    assert normalize_tags(["Fintech", "recruiting, fintech"]) == ["fintech", "recruiting"]
    assert normalize_tags(None) == [] and normalize_tags("") == [] and normalize_tags([]) == []


def test_normalize_tags_refuses_too_many_long_or_control_characters():
    with pytest.raises(ValidationFailed) as caught:
        normalize_tags([f"t{i}" for i in range(21)])
    assert caught.value.field == "tags" and "limit is 20" in caught.value.reason
    for bad in ["x" * 61, "a\x07b"]:
        with pytest.raises(ValidationFailed) as caught:
            normalize_tags(bad)
        assert caught.value.field == "tags"


def test_an_expiry_before_today_is_refused_today_is_not():
    check_expiry(None, TODAY)
    check_expiry(TODAY, TODAY)
    with pytest.raises(ValidationFailed) as caught:
        check_expiry(TODAY - timedelta(days=1), TODAY)
    assert str(caught.value) == "expires_on: 2024-06-09 is in the past"
    with pytest.raises(ValidationFailed) as caught:
        check_noted_on(TODAY + timedelta(days=1), TODAY)
    assert caught.value.field == "noted_on"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("recruiter", "recruiting"),
        ("engineer", "engineering"),
        ("engineers", "engineer"),
        ("jobs", "job"),
        ("designer", "designing"),
        ("companies", "company"),
    ],
)
def test_light_stemming_meets_word_forms(a, b):
    assert stem(a) == stem(b)


def test_stemming_leaves_short_and_double_s_words_alone():
    assert [stem(w) for w in ["business", "data", "java", "hiring", "sales"]] == [
        "business",
        "data",
        "java",
        "hiring",
        "sale",
    ]
    assert tokens("Looking for a C++ / Python mentor, and the like") == ["c++", "python", "mentor"]


def test_quoted_title_takes_the_quoted_part_else_the_text():
    assert quoted_title("my article '10 logistics KPIs' on costs") == "10 logistics KPIs"
    assert quoted_title("the post “Pricing for B2B”") == "Pricing for B2B"
    assert quoted_title("can't say much about pricing") == "can't say much about pricing"


def test_the_matcher_prefers_the_data_engineer_to_data_entry():
    right, wrong = MATCHER.score(ANA, BEN), MATCHER.score(ANA, ENTRY)
    assert right is not None and "same tags: data engineering" in right.reasons
    assert wrong is None or wrong.score < right.score
    assert "both mention: data, engineer" in right.reasons


def test_the_matcher_tells_java_the_island_from_java_the_language():
    trip = item("n1", NEED, 1, "tips for a trip to Java and Bali", ["travel", "indonesia"])
    dev = item("n2", OFFER, 2, "Java developer, mentors on Java", ["java", "programming"])
    guide = item("n3", OFFER, 3, "lived on Java, shares travel tips", ["travel", "indonesia"])
    language, island = MATCHER.score(trip, dev), MATCHER.score(trip, guide)
    assert island is not None and island.score > 0.5
    assert language is None or language.score < island.score / 2


def test_the_matcher_needs_a_word_or_a_tag_in_common():
    assert MATCHER.score(ANA, item("n9", OFFER, 9, "pottery classes", ["art"])) is None
    tags_only = MATCHER.score(
        item("n1", NEED, 1, "someone", ["climate"]), item("n2", OFFER, 2, "anyone", ["climate"])
    )
    assert tags_only is not None and tags_only.reasons[0] == "same tags: climate"


def test_a_hiring_need_is_met_by_a_candidate_not_by_an_article():
    hire = item("n1", NEED, 1, "hiring a head of marketing for SaaS", ["hiring", "saas"])
    person = item("n2", OFFER, 2, "SaaS marketing lead, open to a role", ["saas"])
    article = item("n3", OFFER, None, "article on SaaS marketing pricing", ["saas"])
    a, b = MATCHER.score(hire, person), MATCHER.score(hire, article)
    assert a is not None and b is not None and b.score < a.score
    assert any("no candidate" in r for r in b.reasons)


@pytest.mark.parametrize(
    ("need", "offer", "kind"),
    [
        (ANA, BEN, SuggestionKind.INTRODUCE),
        (CARA, DAN, SuggestionKind.REFER),
        (EVE, KPIS, SuggestionKind.SHARE),
        (ANA, item("x", OFFER, 1, "data engineer"), None),  # the same person
        (item("x", NEED, None, "data engineer"), BEN, None),  # the user's own need
        (CARA, item("x", OFFER, 7, "fintech analyst looking for a job"), None),  # two seekers
        (BEN, ANA, None),  # an offer is no need
    ],
)
def test_suggestion_kind(need, offer, kind):
    assert suggestion_kind(need, offer) is kind


def test_action_texts_name_the_people_and_what_they_said():
    assert action_text(SuggestionKind.INTRODUCE, ANA, BEN) == (
        "Introduce Ana (hiring a data engineer) to Ben (data engineer looking for a role)"
    )
    assert action_text(SuggestionKind.REFER, CARA, DAN) == (
        "Pass Cara's resume to Dan (recruiter for fintech roles)"
    )
    assert action_text(SuggestionKind.SHARE, EVE, KPIS) == (
        "Send Eve the article '10 logistics KPIs' (their challenge: carrier costs)"
    )
    skill = item("n8", OFFER, None, "can review pitch decks")
    deck = item("n9", NEED, 9, "feedback on a pitch deck", name="Ida")
    assert action_text(SuggestionKind.SHARE, deck, skill) == (
        "Offer Ida your help: can review pitch decks (their need: feedback on a pitch deck)"
    )
    assert referral_kind(CARA) == "resume"
    assert referral_kind(item("x", NEED, 1, "wants a referral into fintech roles")) == "referral"


def test_suggest_finds_each_pair_once_with_its_kind_and_action():
    found = {s.key: s for s in suggest([ANA, CARA, EVE], [BEN, ENTRY, DAN, KPIS], MATCHER, TODAY)}
    kinds = {(s.need.ref, s.offer.ref): s.kind for s in found.values()}
    assert kinds[("n1", "n2")] is SuggestionKind.INTRODUCE
    assert kinds[("n4", "n5")] is SuggestionKind.REFER
    assert kinds[("d6", "n7")] is SuggestionKind.SHARE
    assert all(key == suggestion_key(s.kind, s.need.ref, s.offer.ref) for key, s in found.items())


def test_expired_closed_and_dismissed_items_never_match():
    expired = item("n1", NEED, 1, ANA.text, ANA.tags, expires_on=TODAY - timedelta(days=1))
    closed = item("n2", OFFER, 2, BEN.text, BEN.tags, closed=True)
    today_still = item("n3", NEED, 1, ANA.text, ANA.tags, expires_on=TODAY)
    assert suggest([expired], [BEN], MATCHER, TODAY) == []
    assert suggest([ANA], [closed], MATCHER, TODAY) == []
    assert len(suggest([today_still], [BEN], MATCHER, TODAY)) == 1
    key = suggestion_key(SuggestionKind.INTRODUCE, "n1", "n2")
    assert suggest([ANA], [BEN], MATCHER, TODAY, dismissed={key}) == []


def test_rank_by_score_then_freshness_then_strength():
    def make(ref, score, noted, contact):
        need = item(f"n{ref}", NEED, contact, "x", noted_on=noted)
        return Suggestion(SuggestionKind.INTRODUCE, need, BEN, Match(score, ()), need.ref, "")

    old, new = TODAY - timedelta(days=30), TODAY
    best = make(1, 0.9, old, 1)
    fresh = make(2, 0.5, new, 2)
    stale_strong = make(3, 0.501, old, 3)  # equal to two decimals: freshness decides
    stale_weak = make(4, 0.5, old, 4)
    ranked = rank([stale_weak, fresh, stale_strong, best], {3: 80.0, 4: 10.0})
    assert [r.need.ref for r in ranked] == ["n1", "n2", "n3", "n4"]


words = st.sampled_from(
    "data engineer hiring role resume recruiter fintech java travel python article logistics "
    "carrier costs pitch deck seed climate design the for a".split()
)
texts = st.lists(words, min_size=1, max_size=8).map(" ".join)
tag_lists = st.lists(words, max_size=3)


@st.composite
def items(draw, kind):
    # A need is always someone's; an offer may be the user's own (None).
    people = st.integers(1, 4)
    contact = draw(people if kind is NEED else st.one_of(st.none(), people))
    ref = f"n{draw(st.integers(1, 10_000))}"
    return item(ref, kind, contact, draw(texts), draw(tag_lists))


@given(items(NEED), items(OFFER))
def test_matcher_scores_stay_between_0_and_1(need, offer):
    found = MATCHER.score(need, offer)
    assert found is None or 0.0 <= found.score <= 1.0


@given(st.sampled_from(list(SuggestionKind)), st.text(min_size=1), st.text(min_size=1))
def test_suggestion_keys_are_symmetric_hex_and_kind_bound(kind, a, b):
    key = suggestion_key(kind, a, b)
    assert key == suggestion_key(kind, b, a) and len(key) == 64
    assert int(key, 16) >= 0
    others = {suggestion_key(k, a, b) for k in SuggestionKind if k is not kind}
    assert key not in others


@given(st.lists(items(NEED), max_size=6), st.lists(items(OFFER), max_size=6))
def test_no_self_match_and_blocking_loses_nothing(needs, offers):
    needs = [n for i, n in enumerate(needs) if n.ref not in {x.ref for x in needs[:i]}]
    found = suggest(needs, offers, MATCHER, TODAY)
    assert all(s.need.contact_id != s.offer.contact_id for s in found)
    # Every pair the matcher would take, scored all-pairs, is found through the index.
    every = {
        suggestion_key(k, n.ref, o.ref)
        for n in needs
        for o in offers
        if (k := suggestion_kind(n, o)) is not None and MATCHER.score(n, o) is not None
    }
    assert {s.key for s in found} == every
    blocked = list(candidate_pairs(needs, offers))
    assert len(blocked) == len({(id(n), id(o)) for n, o in blocked})
