"""Blocking: which contacts are compared, so a large network is never compared n².

Each contact gets a few keys such that likely duplicates share at least one; only
contacts sharing a key are scored (domain/dedupe.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from goodwill.domain.dedupe import DedupeProfile, personal_local
from goodwill.domain.text import fold


@lru_cache(maxsize=1 << 16)
def phonetic_key(word: str) -> str:
    """A rough sound-alike key: the first letter, then up to three consonants.

    Vowels and h, w, y are dropped and doubled letters collapsed, so 'Smith' and
    'Smyth' ('smt'), 'Johnson' and 'Jonson' ('jnsn'), 'Muller' and 'Mueller' meet;
    a hard 'c' is a 'k' and 'ph' an 'f'.
    """
    letters = re.sub(r"[^a-z]", "", fold(word))
    if not letters:
        return ""
    # Spellings that sound alike from the first letter: Catherine / Katherine, Philip / Filip.
    if letters.startswith("ph"):
        letters = "f" + letters[2:]
    elif letters[0] == "c" and letters[1:2] in ("a", "o", "u", "l", "r"):
        letters = "k" + letters[1:]
    out = letters[0]
    for ch in letters[1:]:
        if ch in "aeiouyhw" or ch == out[-1]:
            continue
        out += ch
        if len(out) == 4:
            break
    return out


@dataclass(frozen=True)
class BlockKey:
    """Contacts sharing `key` are compared; an oversized block is split by `subkey`.

    A passive member (`active` false) is only compared with the block's active
    ones: every 'Fatima B…' sits in the block of 'Fatima B.', but they are not
    compared with each other there.
    """

    key: str
    subkey: str
    active: bool = True


def blocking_keys(p: DedupeProfile) -> set[BlockKey]:
    """A few keys such that likely duplicates share at least one.

    Each word of the last name with the first initial (the nickname's too); the
    last name's sound-alike with the first name's start; the first name with the
    start of the last name (a typo further on), or with its initial for a last
    name given as one; both names sorted, and their sound-alikes sorted (swapped
    names, 'Jon Smyth' / 'John Smith', 'Catherine' / 'Katherine'); every phone
    and personal email name. The subkey splits a block too large to compare.
    """
    initials = sorted({name[:1] for name in (p.first, p.nickname) if name})
    start = (p.first or p.nickname)[:2]
    keys: set[BlockKey] = set()
    if p.first and p.last:
        for initial in initials:
            for word in p.last.split():
                keys.add(BlockKey(f"l:{word}|{initial}", start))
        for first in {p.first, p.nickname} - {""}:
            # Both names spelt another way: 'Nikolas Prevost' / 'Nicolas Pruvost'.
            keys.add(BlockKey(f"p:{phonetic_key(p.last)}|{first[:2]}", first[:3]))
            if len(p.last) > 1:
                keys.add(BlockKey(f"f:{first}|{p.last[:2]}", p.last[:3]))
            keys.add(BlockKey(f"i:{first}|{p.last[0]}", "", active=len(p.last) == 1))
        keys.add(BlockKey("x:" + "|".join(sorted((p.first, p.last))), ""))
        sounds = sorted((phonetic_key(p.first), phonetic_key(p.last)))
        keys.add(BlockKey("y:" + "|".join(sounds), ""))
    else:
        for word in (p.first or p.last).split():
            keys.add(BlockKey(f"s:{word}", ""))
    for phone in p.phones:
        keys.add(BlockKey(f"t:{phone}", start[:1]))
    for email in p.emails:
        local = personal_local(email)
        if local is not None and len(local) >= 3:
            keys.add(BlockKey(f"e:{local}", start[:1]))
    return keys


def describe_block(key: str) -> str:
    """A key as the user reads it in a 'not compared' note."""
    kind, _, value = key.partition(":")
    return {
        "l": f"last name and first initial '{value}'",
        "p": f"last names sounding like '{value}' (and first-name start)",
        "f": f"first name and last-name start '{value}'",
        "i": f"first name and last initial '{value}'",
        "x": f"names '{value}'",
        "y": f"names sounding like '{value}'",
        "s": f"single name '{value}'",
        "t": f"phone {value}",
        "e": f"email name '{value}'",
    }.get(kind, key)
