"""The words of a need or an offer, as the token matcher compares them.

Folded (case and accents), split on anything but letters and digits, stop words
out, then lightly stemmed so "recruiter" meets "recruiting" and "engineer" meets
"engineering". Generic job words (role, resume, hiring…) weigh less: they say what
kind of give it is, not what it is about.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from goodwill.domain.text import fold

_WORD = re.compile(r"[a-z0-9][a-z0-9+#]*")

STOP_WORDS = frozenset(
    """
    a about above after again all also am an and any are around as at be been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers him his how i if in into is it its
    just like me more most my no nor not now of off on once only or other our ours out
    over own same she should so some such than that the their theirs them then there these
    they this those through to too under until up very was we were what when where which
    while who whom why will with would you your yours
    able anyone anybody available currently find get getting good great happy help helping
    interested keen know looking look lot lots need needs new open really someone somebody
    something soon thing things want wants way well would year years
    one two three four five six seven eight nine ten
    """.split()
)

_SUFFIXES = ("ings", "ing", "ers", "er", "ies", "ed", "es", "s")
_MIN_STEM = 4
_MIN_STEM_PLURAL = 3  # "jobs" -> "job", "kpis" -> "kpi"


@lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """A light stemmer: strips -ing, -er, -ed, -es, -s (and then a final -e) while
    enough letters stay; 'engineering' and 'engineer' both give 'engin'."""
    current = word
    while True:
        changed = current
        for suffix in _SUFFIXES:
            if not changed.endswith(suffix):
                continue
            if suffix == "s" and changed.endswith(("ss", "us", "is")):
                break
            base = changed[: -len(suffix)] + ("y" if suffix == "ies" else "")
            if len(base) >= (_MIN_STEM_PLURAL if suffix == "s" else _MIN_STEM):
                changed = base
                break
        if changed == current:
            break
        current = changed
    if current.endswith("e") and len(current) > _MIN_STEM:
        current = current[:-1]
    return current


def _stems(words: str) -> frozenset[str]:
    return frozenset(stem(w) for w in words.split())


# Generic words of the job market: they mark a job seeker or a recruiter and weigh
# little when comparing what two items are about.
JOB_WORDS = _stems("job jobs role roles resume cv position career employment work")
HIRING_WORDS = _stems("hiring hire hired headcount vacancy")
RECRUITER_WORDS = _stems("recruiter recruiting recruitment headhunter staffing talent placement")
FREELANCE_WORDS = _stems("freelance freelancer contractor consultant interim fractional")
ARTICLE_WORDS = _stems("article post blog guide paper report ebook checklist newsletter")
GENERIC_WEIGHT = 0.3
GENERIC = JOB_WORDS | HIRING_WORDS | RECRUITER_WORDS | _stems("referral refer intro")


def tokens(text: str) -> list[str]:
    """Folded words of a text, stop words out ("C++" and "C#" stay themselves)."""
    return [w for w in _WORD.findall(fold(text)) if w not in STOP_WORDS and len(w) > 1]


@dataclass(frozen=True)
class Words:
    """An item's stems, with the first word seen for each (for reasons)."""

    stems: frozenset[str]
    joined: str  # the stems sorted, space-separated (for rapidfuzz)
    surfaces: dict[str, str]  # stem -> the first word seen for it
    total: float  # the weight of all the stems

    def surface(self, stem_: str) -> str:
        return self.surfaces.get(stem_, stem_)

    @staticmethod
    def weight(stems: Iterable[str]) -> float:
        return sum(GENERIC_WEIGHT if s in GENERIC else 1.0 for s in stems)


@lru_cache(maxsize=16_384)
def _words(text: str, tags: tuple[str, ...]) -> Words:
    seen: dict[str, str] = {}
    for word in tokens(text) + [w for tag in tags for w in tokens(tag)]:
        seen.setdefault(stem(word), word)
    stems = frozenset(seen)
    return Words(stems, " ".join(sorted(seen)), seen, Words.weight(stems))


def words_of(text: str, tags: Iterable[str] = ()) -> Words:
    return _words(text, tuple(tags))


@lru_cache(maxsize=16_384)
def tag_words(tags: tuple[str, ...]) -> frozenset[str]:
    """The stems of the words of some tags."""
    return frozenset(stem(w) for tag in tags for w in tokens(tag))


_QUOTED = re.compile(r"(?:^|(?<=\s))[\"'“‘«]([^\"'”’»]{3,120})[\"'”’»]")


def quoted_title(text: str) -> str:
    """The quoted title in an offer ("my article '10 logistics KPIs'"), else the text."""
    found = _QUOTED.search(text)
    return found.group(1).strip() if found else shorten(text)


def shorten(text: str, limit: int = 80) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1].rstrip() + "…"
