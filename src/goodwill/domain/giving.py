"""Needs and offers, and the ways to give they add up to.

A need or an offer is free text plus tags, noted on a day and maybe expiring. A
matcher scores a need against an offer (0–1, with reasons); pairs become concrete
suggestions: introduce A (need) to B (offer), pass C's resume to recruiter D, send E
an article of the user's own about their challenge. The text rules (stop words, light
stemming) live in domain.giving_text; the matcher sits behind `Matcher`, so a
sentence-embedding matcher can replace `TokenMatcher` later.
"""

from __future__ import annotations

import enum
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Protocol

from rapidfuzz import fuzz

from goodwill.domain.giving_text import (
    ARTICLE_WORDS,
    FREELANCE_WORDS,
    HIRING_WORDS,
    JOB_WORDS,
    RECRUITER_WORDS,
    Words,
    quoted_title,
    shorten,
    stem,
    tag_words,
    words_of,
)
from goodwill.domain.text import clean_text
from goodwill.errors import ValidationFailed

TEXT_MAX = 1_000
TAG_MAX = 60
TAGS_MAX = 20


class ItemKind(enum.StrEnum):
    NEED = "need"
    OFFER = "offer"


class SuggestionKind(enum.StrEnum):
    INTRODUCE = "introduce"  # contact A's need <-> contact B's offer
    REFER = "refer"  # a job seeker's need <-> a recruiter's offer
    SHARE = "share"  # a contact's need or challenge <-> the user's own offer


def parse_item_kind(value: str, field: str = "kind") -> ItemKind:
    try:
        return ItemKind(value.strip().lower())
    except ValueError:
        raise ValidationFailed(field, f"'{value[:40]}' is not one of need, offer") from None


def clean_item_text(value: str | None, field: str = "text") -> str:
    """A need's or offer's text: required, at most 1,000 characters."""
    return clean_text(value, field, max_len=TEXT_MAX, required=True, multiline=True) or ""


def normalize_tags(value: str | Iterable[str] | None, field: str = "tags") -> list[str]:
    """Tags from "a, b" or a list: trimmed, lower-cased, inner spaces collapsed,
    deduplicated in their first order; blank ones dropped."""
    if value is None:
        return []
    raw = value.split(",") if isinstance(value, str) else [p for v in value for p in v.split(",")]
    tags: list[str] = []
    for part in raw:
        tag = clean_text(part, field, max_len=TAG_MAX)
        if tag is None:
            continue
        tag = " ".join(tag.lower().split())
        if tag not in tags:
            tags.append(tag)
    if len(tags) > TAGS_MAX:
        raise ValidationFailed(field, f"{len(tags)} tags; the limit is {TAGS_MAX}")
    return tags


def check_expiry(expires_on: date | None, today: date, field: str = "expires_on") -> None:
    """An expiry before today is refused (today itself is still valid)."""
    if expires_on is not None and expires_on < today:
        raise ValidationFailed(field, f"{expires_on.isoformat()} is in the past")


def check_noted_on(noted_on: date, today: date, field: str = "noted_on") -> None:
    if noted_on > today:
        raise ValidationFailed(field, f"{noted_on.isoformat()} is in the future")


@dataclass(frozen=True)
class Item:
    """A need or an offer as the matcher sees it.

    `ref` is unique among all items ("n12": needs_offers row 12, "d5": discovery
    answer 5); `contact_id` None is the user's own offer; `name` is the contact's
    name for the suggestion's wording; `source` is need, offer, challenge or goal.
    """

    ref: str
    kind: ItemKind
    contact_id: int | None
    text: str
    tags: tuple[str, ...] = ()
    noted_on: date | None = None
    expires_on: date | None = None
    closed: bool = False
    name: str = ""
    source: str = ""

    def live(self, today: date) -> bool:
        """Open and not expired (an item expiring today still counts)."""
        return not self.closed and (self.expires_on is None or self.expires_on >= today)

    @cached_property
    def words(self) -> Words:
        return words_of(self.text, self.tags)


@dataclass(frozen=True)
class Match:
    score: float  # 0–1
    reasons: tuple[str, ...]


class Matcher(Protocol):
    def score(self, need: Item, offer: Item) -> Match | None:
        """How well `offer` answers `need` (None: not at all)."""
        ...


def job_seeking(item: Item) -> bool:
    """Someone looking for a job (not someone hiring, nor a recruiter)."""
    stems = item.words.stems
    return bool(stems & JOB_WORDS) and not stems & (HIRING_WORDS | RECRUITER_WORDS)


def hiring(item: Item) -> bool:
    return bool(item.words.stems & HIRING_WORDS)


def candidate(item: Item) -> bool:
    """Someone who could be hired or could find the hire: a job seeker, a freelancer, a
    recruiter."""
    return job_seeking(item) or recruiter(item) or bool(item.words.stems & FREELANCE_WORDS)


def recruiter(item: Item) -> bool:
    return bool(item.words.stems & RECRUITER_WORDS)


def article(item: Item) -> bool:
    return bool(item.words.stems & ARTICLE_WORDS) or "http" in item.text.lower()


# Weights of the TokenMatcher's parts (with tags on both sides; without, words and
# text similarity share the tags' part).
WORDS_WEIGHT, TAGS_WEIGHT, FUZZY_WEIGHT = 0.55, 0.3, 0.15
# Both items tagged and no tag (nor a word of one) in common: they are likely about
# different things that share a word ("Java" the island and the language).
TAG_CONFLICT_FACTOR = 0.5
# One word in common and no tag is thin evidence ("practice": a bookkeeping practice,
# language practice).
THIN_FACTOR = 0.7
# A hiring need is met by a person: a candidate or a recruiter, not an article or a
# freelancer's unrelated service that happens to share the field.
NOT_A_CANDIDATE_FACTOR = 0.6
MIN_SCORE = 0.2


class TokenMatcher:
    """Words and tags in common, weighed.

    Each item's words (text and tags; stop words out, lightly stemmed so "recruiter"
    meets "recruiting") are weighed — 1 each, 0.3 for generic job words (role,
    resume, hiring…): the Dice coefficient of the weighted shared words, the Dice
    coefficient of the tags, and rapidfuzz's token_set_ratio of the stemmed words.
    Both tagged without a tag word in common halves the score. At least one word or tag in
    common is required (the service's blocking relies on it), and a score below 0.2
    is no match.
    """

    def score(self, need: Item, offer: Item) -> Match | None:
        n, o = need.words, offer.words
        shared = n.stems & o.stems
        shared_tags = set(need.tags) & set(offer.tags)
        if not shared and not shared_tags:
            return None
        word_part = 2 * n.weight(shared) / (n.total + o.total)
        fuzzy_part = fuzz.token_set_ratio(n.joined, o.joined) / 100.0
        reasons: list[str] = []
        if need.tags and offer.tags:
            tag_part = 2 * len(shared_tags) / (len(set(need.tags)) + len(set(offer.tags)))
            value = WORDS_WEIGHT * word_part + TAGS_WEIGHT * tag_part + FUZZY_WEIGHT * fuzzy_part
            if not shared_tags and not tag_words(need.tags) & tag_words(offer.tags):
                value *= TAG_CONFLICT_FACTOR
                reasons.append("but their tags differ")
        else:
            words_weight = WORDS_WEIGHT / (WORDS_WEIGHT + FUZZY_WEIGHT)
            value = words_weight * word_part + (1 - words_weight) * fuzzy_part
        if not shared_tags and n.weight(shared) <= 1.0:
            value *= THIN_FACTOR
            reasons.append("only one word in common")
        if hiring(need) and not candidate(offer):
            value *= NOT_A_CANDIDATE_FACTOR
            reasons.append("they are hiring, and this is no candidate nor a recruiter")
        value = max(0.0, min(1.0, value))
        if value < MIN_SCORE:
            return None
        head: list[str] = []
        if shared_tags:
            head.append("same tags: " + ", ".join(sorted(shared_tags)))
        if shared:
            head.append("both mention: " + ", ".join(n.surface(s) for s in sorted(shared)))
        return Match(round(value, 4), (*head, *reasons))


@dataclass(frozen=True)
class Suggestion:
    kind: SuggestionKind
    need: Item
    offer: Item
    match: Match
    key: str
    action: str


def suggestion_kind(need: Item, offer: Item) -> SuggestionKind | None:
    """What giving on this pair looks like; None when there is nothing to give (the
    same person on both sides, the user's own need, or two of the user's items)."""
    if need.kind is not ItemKind.NEED or offer.kind is not ItemKind.OFFER:
        return None
    if need.contact_id is None:
        return None
    if offer.contact_id is None:
        return SuggestionKind.SHARE
    if need.contact_id == offer.contact_id:
        return None
    if job_seeking(need) and job_seeking(offer):
        return None  # two people looking for work: neither has the job
    if job_seeking(need) and recruiter(offer):
        return SuggestionKind.REFER
    return SuggestionKind.INTRODUCE


def suggestion_key(kind: SuggestionKind | str, ref_a: str, ref_b: str) -> str:
    """sha256 of the kind and the two item refs, in either order: the same pair is one key."""
    first, second = sorted((ref_a, ref_b))
    return hashlib.sha256(f"{SuggestionKind(kind).value}|{first}|{second}".encode()).hexdigest()


def referral_kind(need: Item) -> str:
    """The ledger kind of passing someone on: their resume, unless they asked for a referral."""
    stems = need.words.stems
    asks_referral = stem("referral") in stems and not stems & {stem("resume"), stem("cv")}
    return "referral" if asks_referral else "resume"


def action_text(kind: SuggestionKind, need: Item, offer: Item) -> str:
    """The suggestion in one line, naming the people and what they said."""
    if kind is SuggestionKind.INTRODUCE:
        return (
            f"Introduce {need.name} ({shorten(need.text)}) to {offer.name} ({shorten(offer.text)})"
        )
    if kind is SuggestionKind.REFER:
        what = "resume" if referral_kind(need) == "resume" else "name as a referral"
        return f"Pass {need.name}'s {what} to {offer.name} ({shorten(offer.text)})"
    their = {"challenge": "challenge", "goal": "goal"}.get(need.source, "need")
    about = f"(their {their}: {shorten(need.text, 60)})"
    if article(offer):
        return f"Send {need.name} the article '{quoted_title(offer.text)}' {about}"
    return f"Offer {need.name} your help: {shorten(offer.text)} {about}"


def blocking_keys(item: Item) -> set[str]:
    """The keys two items must share to be scored at all: a stem or a tag."""
    return {f"w:{s}" for s in item.words.stems} | {f"t:{t}" for t in item.tags}


# A key in more items than this says little about any pair (a word in half the
# network): it does not make pairs by itself.
BLOCK_MAX = 2_000


def candidate_pairs(needs: Sequence[Item], offers: Sequence[Item]) -> Iterator[tuple[Item, Item]]:
    """Need/offer pairs sharing a blocking key, each once, through an inverted index
    of the offers: never all pairs."""
    index: dict[str, list[int]] = defaultdict(list)
    for position, offer in enumerate(offers):
        for key in blocking_keys(offer):
            index[key].append(position)
    for need in needs:
        seen: set[int] = set()
        for key in sorted(blocking_keys(need)):
            postings = index.get(key, [])
            if len(postings) > BLOCK_MAX:
                continue
            seen.update(postings)
        for position in sorted(seen):
            yield need, offers[position]


def suggest(
    needs: Sequence[Item],
    offers: Sequence[Item],
    matcher: Matcher,
    today: date,
    dismissed: frozenset[str] | set[str] = frozenset(),
) -> list[Suggestion]:
    """Every suggestion the live items make, dismissed keys left out, unranked."""
    live_needs = [n for n in needs if n.kind is ItemKind.NEED and n.live(today)]
    live_offers = [o for o in offers if o.kind is ItemKind.OFFER and o.live(today)]
    found: dict[str, Suggestion] = {}
    for need, offer in candidate_pairs(live_needs, live_offers):
        kind = suggestion_kind(need, offer)
        if kind is None:
            continue
        key = suggestion_key(kind, need.ref, offer.ref)
        if key in dismissed or key in found:
            continue
        match = matcher.score(need, offer)
        if match is None:
            continue
        score = max(0.0, min(1.0, match.score))
        found[key] = Suggestion(
            kind, need, offer, Match(score, match.reasons), key, action_text(kind, need, offer)
        )
    return list(found.values())


def rank(suggestions: Iterable[Suggestion], strength: Mapping[int, float]) -> list[Suggestion]:
    """Best first: the match score (to two decimals), then freshness (the need's day,
    then the offer's), then the strength of the user's ties with the people involved."""

    def order(s: Suggestion) -> tuple[float, int, int, float, str]:
        people = [c for c in (s.need.contact_id, s.offer.contact_id) if c is not None]
        return (
            -round(s.match.score, 2),
            -(s.need.noted_on or date.min).toordinal(),
            -(s.offer.noted_on or date.min).toordinal(),
            -sum(strength.get(c, 0.0) for c in people),
            s.key,
        )

    return sorted(suggestions, key=order)
