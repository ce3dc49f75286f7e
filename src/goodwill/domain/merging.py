"""Merging two contacts' own fields: which value the merged contact keeps, and what clashed.

The kept contact's values win; its empty fields are filled from the other; what
cannot be kept in place is kept elsewhere (a clashing custom field under a
'(merged)' key) or named as a conflict, so a preview shows every value that goes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from goodwill.domain.people import Tier, parse_tier

MERGED_SUFFIX = " (merged)"


@dataclass(frozen=True)
class MergeFields:
    """A contact's scalar fields as merging sees them."""

    first_name: str | None = None
    last_name: str | None = None
    nickname: str | None = None
    how_met: str | None = None
    met_on: date | None = None
    tier: str | None = None
    cadence_days: int | None = None
    birthday_month: int | None = None
    birthday_day: int | None = None
    birthday_year: int | None = None
    photo: str | None = None
    vcard_uid: str | None = None
    vcard_extra: list[str] = field(default_factory=list)
    addresses: list[dict[str, Any]] = field(default_factory=list)
    custom_fields: dict[str, Any] = field(default_factory=dict)


_TEXT_FIELDS = (
    ("first_name", "first name"),
    ("last_name", "last name"),
    ("nickname", "nickname"),
    ("how_met", "how met"),
)
_TIER_RANK = {Tier.A: 0, Tier.B: 1, Tier.C: 2}


def merge_fields(keep: MergeFields, other: MergeFields) -> tuple[MergeFields, list[str]]:
    """The merged contact's fields, and the conflicts: values of `other` not kept as they were."""
    conflicts: list[str] = []
    merged = keep
    for name, label in _TEXT_FIELDS:
        mine, theirs = getattr(keep, name), getattr(other, name)
        if not mine and theirs:
            merged = replace(merged, **{name: theirs})
        elif mine and theirs and mine.casefold() != theirs.casefold():
            conflicts.append(f"{label}: keeps '{mine}', drops '{theirs}'")
    if keep.met_on is None or (other.met_on is not None and other.met_on < keep.met_on):
        merged = replace(merged, met_on=other.met_on)
    if keep.met_on is not None and other.met_on is not None and keep.met_on != other.met_on:
        conflicts.append(
            f"met on: keeps the earlier {min(keep.met_on, other.met_on).isoformat()}, "
            f"drops {max(keep.met_on, other.met_on).isoformat()}"
        )
    merged, tier_conflicts = _merge_tier(merged, keep, other)
    conflicts += tier_conflicts
    merged, birthday_conflicts = _merge_birthday(merged, keep, other)
    conflicts += birthday_conflicts
    for name, label in (("photo", "photo"), ("vcard_uid", "vCard UID")):
        mine, theirs = getattr(keep, name), getattr(other, name)
        if not mine and theirs:
            merged = replace(merged, **{name: theirs})
        elif mine and theirs and mine != theirs:
            conflicts.append(f"{label}: keeps this contact's, drops the other's")
    merged = replace(
        merged,
        vcard_extra=keep.vcard_extra + [x for x in other.vcard_extra if x not in keep.vcard_extra],
        addresses=keep.addresses + [a for a in other.addresses if a not in keep.addresses],
    )
    custom, custom_conflicts = merge_custom_fields(keep.custom_fields, other.custom_fields)
    return replace(merged, custom_fields=custom), conflicts + custom_conflicts


def _merge_tier(
    merged: MergeFields, keep: MergeFields, other: MergeFields
) -> tuple[MergeFields, list[str]]:
    """The closer tier wins, with its cadence (A is closer than B, B than C, any than none)."""
    mine, theirs = parse_tier(keep.tier), parse_tier(other.tier)
    if theirs is None:
        return merged, []
    if mine is None or _TIER_RANK[theirs] < _TIER_RANK[mine]:
        conflicts = [f"tier: keeps the closer {theirs.value}, drops {mine.value}"] if mine else []
        return replace(merged, tier=theirs.value, cadence_days=other.cadence_days), conflicts
    if theirs != mine:
        return merged, [f"tier: keeps the closer {mine.value}, drops {theirs.value}"]
    if keep.cadence_days != other.cadence_days and other.cadence_days is not None:
        return merged, [
            f"cadence: keeps every {keep.cadence_days} days, drops every {other.cadence_days}"
        ]
    return merged, []


def _birthday(f: MergeFields) -> str | None:
    if f.birthday_month is None or f.birthday_day is None:
        return None
    text = f"{f.birthday_month:02d}-{f.birthday_day:02d}"
    return f"{f.birthday_year:04d}-{text}" if f.birthday_year else f"--{text}"


def _merge_birthday(
    merged: MergeFields, keep: MergeFields, other: MergeFields
) -> tuple[MergeFields, list[str]]:
    mine, theirs = _birthday(keep), _birthday(other)
    if theirs is None:
        return merged, []
    if mine is None:
        return replace(
            merged,
            birthday_month=other.birthday_month,
            birthday_day=other.birthday_day,
            birthday_year=other.birthday_year,
        ), []
    same_day = (keep.birthday_month, keep.birthday_day) == (
        other.birthday_month,
        other.birthday_day,
    )
    if same_day and keep.birthday_year is None:
        return replace(merged, birthday_year=other.birthday_year), []
    if same_day and (other.birthday_year is None or other.birthday_year == keep.birthday_year):
        return merged, []
    return merged, [f"birthday: keeps {mine}, drops {theirs}"]


def merge_custom_fields(
    keep: dict[str, Any], other: dict[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """Keep's values win; a clashing value of other's stays under 'key (merged)'."""
    merged = dict(keep)
    conflicts = []
    for key, value in other.items():
        if key not in merged:
            merged[key] = value
            continue
        if merged[key] == value:
            continue
        target = f"{key}{MERGED_SUFFIX}"
        n = 2
        while target in merged and merged[target] != value:
            target = f"{key} (merged {n})"
            n += 1
        merged[target] = value
        conflicts.append(f"field '{key}': keeps '{keep[key]}', the other's is kept as '{target}'")
    return merged, conflicts
