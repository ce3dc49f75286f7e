"""Relationship strength: a 0–100 score from stored touch aggregates, explained.

The model (README "Relationship strength" gives the reasoning and the sources):

- **recency** — 2^(−days since the last touch / recency half-life). Days since last
  contact was the strongest single predictor of tie strength in Gilbert &
  Karahalios (2009).
- **frequency** — touches over time with exponential decay (a half-life setting):
  1 − e^(−decayed count / saturation). A touch 12 months old with the default
  90-day half-life counts 1/16.
- **depth** — the same decayed touches weighted by channel (meeting and coffee >
  call > message > email > social): 1 − e^(−weighted count / saturation).
  Granovetter's (1973) "emotional intensity and intimacy".
- **reciprocity** — how much *they* reach out (their decayed touches, saturating) and,
  when there are ledger entries, how balanced giving and receiving are. Touches the
  user starts never lower the score: goodwill is about putting value in.
- **duration** — years since the first touch (or since you met) / a horizon.

Every touch counts 1 / √recipients: a message to 200 people is a weak touch.

Aggregates are kept as decayed sums *as of their own reference time* (the last
touch), so adding a touch is O(1) whatever the history (`add_touch`), and the score
is computed when read (`score`), so it never goes stale as time passes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from goodwill.errors import ValidationFailed

# Channels grouped into the depth classes stored per aggregate.
CHANNEL_CLASS = {
    "meeting": "meeting", "coffee": "meeting", "call": "call", "message": "message",
    "email": "email", "social": "social",
}  # fmt: skip
CLASSES = ("meeting", "call", "message", "email", "social")
COMPONENTS = ("recency", "frequency", "depth", "reciprocity", "duration")
SECONDS_PER_DAY = 86_400.0


@dataclass(frozen=True)
class StrengthSettings:
    """The model's knobs; defaults documented in the README."""

    half_life_days: float = 90.0  # decay of frequency and depth
    recency_half_life_days: float = 60.0
    weights: Mapping[str, float] = field(
        default_factory=lambda: {
            "recency": 0.35, "frequency": 0.25, "depth": 0.15, "reciprocity": 0.15,
            "duration": 0.10,
        }
    )  # fmt: skip
    channel_weights: Mapping[str, float] = field(
        default_factory=lambda: {
            "meeting": 1.0, "call": 0.7, "message": 0.4, "email": 0.3, "social": 0.15,
        }
    )  # fmt: skip
    frequency_saturation: float = 8.0  # decayed touches giving 63% of the component
    depth_saturation: float = 4.0  # decayed meeting-equivalents giving 63%
    reciprocity_saturation: float = 3.0  # decayed touches they started giving 63%
    duration_years: float = 5.0  # a relationship this old gets the full component


SETTING_RANGES: dict[str, tuple[float, float]] = {
    "half_life_days": (7.0, 3650.0),
    "recency_half_life_days": (1.0, 3650.0),
    "frequency_saturation": (0.1, 1000.0),
    "depth_saturation": (0.1, 1000.0),
    "reciprocity_saturation": (0.1, 1000.0),
    "duration_years": (0.1, 100.0),
}


def parse_settings(values: Mapping[str, object] | None) -> StrengthSettings:
    """Settings from stored JSON (missing keys take their defaults), checked."""
    base = StrengthSettings()
    if not values:
        return base
    changes: dict[str, object] = {}
    for key, raw in values.items():
        if key in SETTING_RANGES:
            changes[key] = check_setting(key, raw)
        elif key in ("weights", "channel_weights"):
            current = dict(getattr(base, key))
            if not isinstance(raw, Mapping):
                raise ValidationFailed(key, "must map names to numbers")
            for name, weight in raw.items():
                if name not in current:
                    raise ValidationFailed(key, f"'{name}' is not one of {', '.join(current)}")
                current[name] = _number(f"{key}.{name}", weight, 0.0, 1.0)
            if key == "weights" and sum(current.values()) <= 0:
                raise ValidationFailed(key, "at least one weight must be above 0")
            changes[key] = current
        else:
            raise ValidationFailed("strength", f"'{key}' is not a strength setting")
    return replace(base, **changes)  # type: ignore[arg-type]


def check_setting(key: str, raw: object) -> float:
    low, high = SETTING_RANGES[key]
    return _number(key, raw, low, high)


def _number(key: str, raw: object, low: float, high: float) -> float:
    try:
        value = float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValidationFailed(key, f"'{raw}' is not a number") from None
    if not math.isfinite(value) or not low <= value <= high:
        raise ValidationFailed(key, f"must be between {low:g} and {high:g}, not {value:g}")
    return value


# -- aggregates --------------------------------------------------------------------


@dataclass(frozen=True)
class Touches:
    """What is stored about a contact's touches (for one owner and visibility)."""

    first_at: datetime
    last_at: datetime  # also the reference time of the decayed sums
    touches: int
    by_me: int
    by_them: int
    decayed: Mapping[str, float]  # per class, as of last_at, recipient-weighted
    decayed_them: float  # touches they started, decayed, as of last_at


def touch_weight(recipients: int) -> float:
    return 1.0 / math.sqrt(max(1, recipients))


def _decay(seconds: float, half_life_days: float) -> float:
    return float(2.0 ** (-seconds / (half_life_days * SECONDS_PER_DAY)))


def add_touch(
    current: Touches | None,
    at: datetime,
    channel: str,
    initiator: str,
    recipients: int,
    half_life_days: float,
) -> Touches:
    """The aggregate with one more touch: O(1), whatever the history."""
    weight = touch_weight(recipients)
    cls = CHANNEL_CLASS.get(channel, "message")
    them = weight if initiator == "them" else 0.0
    if current is None:
        decayed = dict.fromkeys(CLASSES, 0.0)
        decayed[cls] = weight
        return Touches(at, at, 1, int(initiator == "me"), int(initiator == "them"), decayed, them)
    if at >= current.last_at:  # move the reference forward, decaying what was there
        factor = _decay((at - current.last_at).total_seconds(), half_life_days)
        decayed = {c: v * factor for c, v in current.decayed.items()}
        decayed[cls] += weight
        decayed_them = current.decayed_them * factor + them
        last = at
    else:  # an older touch (an import, a backdated log): it arrives decayed
        factor = _decay((current.last_at - at).total_seconds(), half_life_days)
        decayed = dict(current.decayed)
        decayed[cls] += weight * factor
        decayed_them = current.decayed_them + them * factor
        last = current.last_at
    return Touches(
        min(current.first_at, at), last, current.touches + 1,
        current.by_me + int(initiator == "me"), current.by_them + int(initiator == "them"),
        decayed, decayed_them,
    )  # fmt: skip


def combine(parts: Iterable[Touches], half_life_days: float) -> Touches | None:
    """Several aggregates (a viewer's own and the workspace's) as one."""
    parts = list(parts)
    if not parts:
        return None
    last = max(p.last_at for p in parts)
    decayed = dict.fromkeys(CLASSES, 0.0)
    decayed_them = 0.0
    for part in parts:
        factor = _decay((last - part.last_at).total_seconds(), half_life_days)
        for cls in CLASSES:
            decayed[cls] += part.decayed.get(cls, 0.0) * factor
        decayed_them += part.decayed_them * factor
    return Touches(
        min(p.first_at for p in parts), last, sum(p.touches for p in parts),
        sum(p.by_me for p in parts), sum(p.by_them for p in parts), decayed, decayed_them,
    )  # fmt: skip


# -- the score -----------------------------------------------------------------------


@dataclass(frozen=True)
class Ledger:
    given: int = 0
    received: int = 0


@dataclass(frozen=True)
class Strength:
    score: float  # 0–100; the sum of `parts`
    parts: Mapping[str, float]  # each component's contribution, in points
    values: Mapping[str, float]  # each component, 0–1, before its weight
    days_since_last: float | None
    decayed_touches: float

    @property
    def rounded(self) -> int:
        return round(self.score)


def score(
    touches: Touches | None,
    now: datetime,
    settings: StrengthSettings,
    ledger: Ledger = Ledger(),
    met_on: date | None = None,
) -> Strength:
    """The score now, from stored aggregates. Pure; bounded 0–100."""
    values = dict.fromkeys(COMPONENTS, 0.0)
    days: float | None = None
    frequency = 0.0
    if touches is not None:
        age = max(0.0, (now - touches.last_at).total_seconds())
        days = age / SECONDS_PER_DAY
        values["recency"] = _decay(age, settings.recency_half_life_days)
        factor = _decay(age, settings.half_life_days)
        frequency = sum(touches.decayed.values()) * factor
        values["frequency"] = _saturate(frequency, settings.frequency_saturation)
        weighted = (
            sum(settings.channel_weights.get(c, 0.0) * v for c, v in touches.decayed.items())
            * factor
        )
        values["depth"] = _saturate(weighted, settings.depth_saturation)
        initiative = _saturate(touches.decayed_them * factor, settings.reciprocity_saturation)
        values["reciprocity"] = initiative
    if ledger.given + ledger.received > 0:
        balance = 1.0 - abs(ledger.given - ledger.received) / (ledger.given + ledger.received)
        values["reciprocity"] = (values["reciprocity"] + balance) / 2
    start = touches.first_at.date() if touches is not None else None
    if met_on is not None and (start is None or met_on < start):
        start = met_on
    if start is not None:
        years = max(0.0, (now.date() - start).days / 365.25)
        values["duration"] = min(1.0, years / settings.duration_years)
    total = sum(settings.weights.get(k, 0.0) for k in COMPONENTS)
    parts = {k: 100.0 * settings.weights.get(k, 0.0) / total * values[k] for k in COMPONENTS}
    return Strength(
        score=min(100.0, max(0.0, sum(parts.values()))),
        parts=parts,
        values=values,
        days_since_last=days,
        decayed_touches=frequency,
    )


def _saturate(amount: float, scale: float) -> float:
    return 1.0 - math.exp(-max(0.0, amount) / scale)


def trend(now_score: float, before_score: float, margin: float = 5.0) -> str:
    """rising / stable / cooling: the score now against the score 90 days ago."""
    if now_score >= before_score + margin:
        return "rising"
    if now_score <= before_score - margin:
        return "cooling"
    return "stable"


# Strength bands for filtering lists, in points. "weak" ends where an ask's readiness
# check starts to warn (a relationship below 25 out of 100).
STRENGTH_BANDS: dict[str, tuple[float, float]] = {
    "strong": (60.0, 100.0),
    "medium": (25.0, 60.0),
    "weak": (0.0, 25.0),
}


def parse_band(value: str, field: str = "strength") -> str:
    """A band's name, checked: strong (60–100), medium (25–59), weak (under 25)."""
    key = value.strip().lower()
    if key not in STRENGTH_BANDS:
        raise ValidationFailed(field, f"must be one of: {', '.join(STRENGTH_BANDS)}")
    return key


def in_band(points: float, band: str) -> bool:
    """Whether a score (0–100) falls in the band: the low bound in, the high one out
    (but 100 is strong). Rounded as shown, so a 59.6 shown as 60 is strong."""
    low, high = STRENGTH_BANDS[band]
    shown = round(points)
    return low <= shown < high or (high == 100.0 and shown == 100)
