"""Likely duplicate contacts: a score for a pair, and the blocking keys that find pairs.

Scoring is additive, from plain values: a name similarity (0–100; typos, initials,
nicknames, swapped first and last names), plus evidence (a shared email, the same
email name or company domain, the same current organization, a shared phone),
minus contrary evidence (different current organizations). Identity keys decide
nothing here: duplicates are only ever suggested, and a shared phone (switchboards,
family landlines) never makes two people with different first names one.

Which pairs get compared at all is domain/dedupe_blocking.py's business.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from goodwill.domain.text import fold

THRESHOLD = 85  # a pair scoring this or more is suggested

# Name similarity of parts that match only as an initial ("J." / "John"), as a
# token subset ("Mary" / "Mary Ann"), or as a short form ("Chris" / "Christopher").
INITIAL_SIMILARITY = 80
SUBSET_SIMILARITY = 90
PREFIX_SIMILARITY = 85
SWAPPED_PENALTY = 5
# One-word names ("Madonna") carry less: the same single word is not yet a person.
SINGLE_NAME_FACTOR = 0.75
# First names this far apart are different people unless they share an email.
DIFFERENT_FIRST_NAMES = 80
DIFFERENT_FIRST_NAMES_CAP = THRESHOLD - 10
# Same first name, another last name, and a phone or email in common: a name change.
NAME_CHANGE_SIMILARITY = 70

SHARED_EMAIL_BONUS = 40
SAME_EMAIL_NAME_BONUS = 15
SAME_EMAIL_DOMAIN_BONUS = 5
SAME_ORGANIZATION_BONUS = 10
SHARED_PHONE_BONUS = 15
DIFFERENT_ORGANIZATIONS_PENALTY = 25

MIN_EMAIL_NAME = 5  # shorter email names ("ann", "j.s") are too common to mean much

GENERIC_LOCAL_PARTS = frozenset(
    """info contact contacts hello hi office admin sales support team mail email inbox
    enquiries inquiries help billing accounts accounting hr jobs careers press marketing
    noreply no-reply reception frontdesk webmaster postmaster family home us me""".split()
)
FREEMAIL_DOMAINS = frozenset(
    """gmail.com googlemail.com yahoo.com yahoo.co.uk yahoo.fr hotmail.com hotmail.co.uk
    hotmail.fr outlook.com live.com msn.com icloud.com me.com mac.com aol.com proton.me
    protonmail.com gmx.de gmx.net web.de mail.com yandex.ru qq.com 163.com fastmail.com
    hey.com orange.fr free.fr t-online.de comcast.net verizon.net""".split()
)
_TITLES = frozenset({"dr", "mr", "mrs", "ms", "miss", "prof", "sir"})
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "phd", "md", "mba", "esq"})
_ORG_SUFFIXES = frozenset(
    """inc incorporated llc ltd limited gmbh corp corporation co company sa ag plc
    bv nv srl sas oy ab kg""".split()
)
_APOSTROPHES = re.compile(r"['’`]")
_SEPARATORS = re.compile(r"[^\w]+|_")


@lru_cache(maxsize=1 << 16)
def name_key(value: str | None) -> str:
    """A name as compared: folded, punctuation as spaces, titles and suffixes dropped.

    'Dr. Anne-Marie O’Neil, Jr.' -> 'anne marie oneil'.
    """
    if not value:
        return ""
    tokens = _SEPARATORS.sub(" ", _APOSTROPHES.sub("", fold(value))).split()
    while len(tokens) > 1 and tokens[0] in _TITLES:
        tokens = tokens[1:]
    while len(tokens) > 1 and tokens[-1] in _SUFFIXES:
        tokens = tokens[:-1]
    return " ".join(tokens)


@lru_cache(maxsize=1 << 14)
def organization_key(value: str) -> str:
    """'Acme, Inc.' and 'ACME' are one organization."""
    tokens = _SEPARATORS.sub(" ", _APOSTROPHES.sub("", fold(value))).split()
    while len(tokens) > 1 and tokens[-1] in _ORG_SUFFIXES:
        tokens = tokens[:-1]
    return " ".join(tokens)


@dataclass(frozen=True, slots=True)
class DedupeProfile:
    """What dedupe knows of a contact, normalized (build it with `make_profile`).

    The sets compared are derived once here, not for every pair.
    """

    id: int
    first: str
    last: str
    nickname: str
    organizations: tuple[tuple[str, str], ...]  # (key, name as written), current ones
    emails: frozenset[str]
    phones: frozenset[str]  # E.164
    personal_emails: frozenset[str] = frozenset()  # not info@, sales@…
    email_names: frozenset[str] = frozenset()  # personal local parts, long enough to count
    domains: frozenset[str] = frozenset()  # company domains (free mail left out)
    organization_keys: frozenset[str] = frozenset()


def make_profile(
    contact_id: int,
    first_name: str | None,
    last_name: str | None,
    nickname: str | None = None,
    organizations: Iterable[str] = (),
    emails: Iterable[str] = (),
    phones: Iterable[str] = (),
) -> DedupeProfile:
    first, last = name_key(first_name), name_key(last_name)
    # A whole name kept in one field ('John Smith' as the first name) is split like
    # a typed one: the last word is the last name.
    if not last and " " in first:
        first, last = first.rsplit(" ", 1)
    elif not first and " " in last:
        first, last = last.rsplit(" ", 1)
    orgs: dict[str, str] = {}
    for name in organizations:
        key = organization_key(name)
        if key:
            orgs.setdefault(key, name)
    addresses = frozenset(e.strip().lower() for e in emails if e and "@" in e)
    locals_ = {personal_local(e) for e in addresses}
    return DedupeProfile(
        id=contact_id,
        first=first,
        last=last,
        nickname=name_key(nickname),
        organizations=tuple(sorted(orgs.items())),
        emails=addresses,
        phones=frozenset(p for p in phones if p),
        personal_emails=frozenset(e for e in addresses if personal_local(e) is not None),
        email_names=frozenset(n for n in locals_ if n is not None and len(n) >= MIN_EMAIL_NAME),
        domains=frozenset(_domain(e) for e in addresses) - FREEMAIL_DOMAINS,
        organization_keys=frozenset(orgs),
    )


def _local(email: str) -> str:
    return email.rsplit("@", 1)[0].split("+", 1)[0]


def _domain(email: str) -> str:
    return email.rsplit("@", 1)[1]


def personal_local(email: str) -> str | None:
    local = _local(email)
    return None if local in GENERIC_LOCAL_PARTS else local


@lru_cache(maxsize=1 << 16)
def _part_similarity(a: str, b: str) -> tuple[float, str | None]:
    """How alike two name parts are (0–100), and how they matched when not plainly."""
    if a == b:
        return 100.0, None
    ta, tb = a.split(), b.split()
    short, long = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    matched = _tokens_match(short, long)
    if matched is not None:
        return (INITIAL_SIMILARITY, "initial") if matched else (SUBSET_SIMILARITY, None)
    if _gendered_variants(a, b):
        return 40.0, None
    shorter, longer = sorted((a, b), key=len)
    if 3 <= len(shorter) <= 5 and longer.startswith(shorter):
        return PREFIX_SIMILARITY, None
    return float(fuzz.ratio(a, b)), None


def _tokens_match(short: list[str], long: list[str]) -> bool | None:
    """Each token of `short` matches, in order, a token of `long`, equal or as its initial.

    None when they do not; else whether an initial was needed.
    """
    used_initial = False
    rest = iter(long)
    for token in short:
        for candidate in rest:
            if token == candidate:
                break
            if len(token) == 1 and candidate.startswith(token):
                used_initial = True
                break
            if len(candidate) == 1 and token.startswith(candidate):
                used_initial = True
                break
        else:
            return None
    return used_initial


def _gendered_variants(a: str, b: str) -> bool:
    """Mario / Maria, Daniel / Danielle, Paul / Paula: close spellings, other people."""
    for x, y in ((a, b), (b, a)):
        if y in (x + "a", x + "le") or (x.endswith("o") and y == x[:-1] + "a"):
            return True
    return False


def _combine(first: float, last: float) -> float:
    """The weaker part weighs most: 'John Smith' / 'Jane Smith' is not a near match."""
    return 0.75 * min(first, last) + 0.25 * max(first, last)


@dataclass(frozen=True)
class _NameMatch:
    similarity: float
    first: float | None  # first-name similarity, when both have one
    last: float | None
    reasons: tuple[str, ...]


def _first_similarity(
    a_first: str, a_nick: str, b_first: str, b_nick: str
) -> tuple[float, list[str]]:
    best, reasons = -1.0, list[str]()
    for x, x_nick in ((a_first, False), (a_nick, True)):
        for y, y_nick in ((b_first, False), (b_nick, True)):
            if not x or not y or (x_nick and x == a_first) or (y_nick and y == b_first):
                continue
            sim, how = _part_similarity(x, y)
            if sim > best:
                best, reasons = sim, []
                if x_nick or y_nick:
                    reasons.append(f"nickname {(x if x_nick else y).title()}")
                if how == "initial":
                    reasons.append("first name is an initial")
    return best, reasons


def name_similarity(a: DedupeProfile, b: DedupeProfile) -> _NameMatch:
    return _names_similarity(a.first, a.last, a.nickname, b.first, b.last, b.nickname)


# Names repeat (a big block holds many Johns): each pair of names is compared once.
@lru_cache(maxsize=1 << 16)
def _names_similarity(
    a_first: str, a_last: str, a_nick: str, b_first: str, b_last: str, b_nick: str
) -> _NameMatch:
    if a_first and a_last and b_first and b_last:
        first, reasons = _first_similarity(a_first, a_nick, b_first, b_nick)
        last, how = _part_similarity(a_last, b_last)
        if how == "initial":
            reasons.append("last name is an initial")
        straight = _combine(first, last)
        # A swap can only win over a weak straight match, and swapped names start alike.
        swapped = -1.0
        if straight < 100 - SWAPPED_PENALTY and a_first[0] == b_last[0] and a_last[0] == b_first[0]:
            swapped = (
                _combine(_part_similarity(a_first, b_last)[0], _part_similarity(a_last, b_first)[0])
                - SWAPPED_PENALTY
            )
        if swapped > straight:
            return _NameMatch(swapped, swapped, swapped, ("first and last name swapped",))
        return _NameMatch(straight, first, last, tuple(reasons))
    full_a = " ".join(t for t in (a_first, a_last) if t)
    full_b = " ".join(t for t in (b_first, b_last) if t)
    if not full_a or not full_b:  # a name of emoji or punctuation only
        return _NameMatch(0.0, None, None, ())
    if " " in full_a and " " in full_b:
        return _NameMatch(float(fuzz.token_sort_ratio(full_a, full_b)), None, None, ())
    # One of them goes by a single word: the best match of it against the other's words.
    single, other = (full_a, full_b) if " " not in full_a else (full_b, full_a)
    best = max((_part_similarity(single, word)[0] for word in other.split()), default=0.0)
    return _NameMatch(best * SINGLE_NAME_FACTOR, None, None, ())


def worth_scoring(a: DedupeProfile, b: DedupeProfile) -> bool:
    """False when `score_pair` cannot reach THRESHOLD, found cheaply: two full names
    whose first names differ (and cannot be swapped) with no shared email are capped.

    Most pairs in a big block ('Smith' and initial 'J') are John and James: this
    lets them go at the cost of one cached lookup.
    """
    a_first, a_last, b_first, b_last = a.first, a.last, b.first, b.last
    if not (a_first and a_last and b_first and b_last):
        return True
    if a_first[0] == b_last[0] and a_last[0] == b_first[0]:
        return True
    if a.personal_emails and b.personal_emails and a.personal_emails & b.personal_emails:
        return True
    return _first_similarity_cached(a_first, a.nickname, b_first, b.nickname) >= (
        DIFFERENT_FIRST_NAMES
    )


@lru_cache(maxsize=1 << 16)
def _first_similarity_cached(a_first: str, a_nick: str, b_first: str, b_nick: str) -> float:
    return _first_similarity(a_first, a_nick, b_first, b_nick)[0]


def likely_score(a: DedupeProfile, b: DedupeProfile) -> int | None:
    """The pair's score if it reaches THRESHOLD, else None: `score_pair` without the
    reasons, for the many pairs a large network compares."""
    if not worth_scoring(a, b):
        return None
    score = _score(a, b, None)
    return score if score >= THRESHOLD else None


def score_pair(a: DedupeProfile, b: DedupeProfile) -> tuple[int, list[str]]:
    """How likely two contacts are one person (0–100), and why."""
    reasons: list[str] = []
    return _score(a, b, reasons), reasons


def _score(a: DedupeProfile, b: DedupeProfile, reasons: list[str] | None) -> int:
    name = _names_similarity(a.first, a.last, a.nickname, b.first, b.last, b.nickname)
    similarity = name.similarity
    shared_emails = a.personal_emails & b.personal_emails
    email_names = a.email_names & b.email_names
    domains = a.domains & b.domains
    shared_phones = a.phones & b.phones
    same_orgs = a.organization_keys & b.organization_keys
    say = reasons.append if reasons is not None else None

    contact_evidence = bool(shared_emails or email_names or shared_phones)
    if (
        name.first is not None
        and name.last is not None
        and name.first >= SUBSET_SIMILARITY
        and name.last < DIFFERENT_FIRST_NAMES
        and contact_evidence
        and similarity < NAME_CHANGE_SIMILARITY
    ):
        similarity = NAME_CHANGE_SIMILARITY
        if say:
            say("same first name, another last name (a name change?)")
    elif say and similarity >= 99.5:
        say("same name")
    elif say and similarity >= 60:
        say(f"similar name ({round(similarity)})")
    if reasons is not None:
        reasons.extend(name.reasons)

    score = similarity
    if shared_emails:
        score += SHARED_EMAIL_BONUS
        if say:
            say(f"same email {min(shared_emails)}")
    elif email_names:
        score += SAME_EMAIL_NAME_BONUS
        if say:
            say(f"same email name: {min(email_names)}")
    if domains:
        score += SAME_EMAIL_DOMAIN_BONUS
        if say:
            say(f"same email domain: {min(domains)}")
    if same_orgs:
        score += SAME_ORGANIZATION_BONUS
        if say:
            say(f"same organization: {dict(a.organizations)[min(same_orgs)]}")
    elif a.organizations and b.organizations and not contact_evidence:
        score -= DIFFERENT_ORGANIZATIONS_PENALTY
        if say:
            say(f"different organizations: {a.organizations[0][1]} / {b.organizations[0][1]}")
    if shared_phones:
        score += SHARED_PHONE_BONUS
        if say:
            say(f"shared phone {min(shared_phones)}")
    if name.first is not None and name.first < DIFFERENT_FIRST_NAMES and not shared_emails:
        # Colleagues share a switchboard and a company; siblings a landline and a name.
        score = min(score, DIFFERENT_FIRST_NAMES_CAP)
    return max(0, min(100, round(score)))
