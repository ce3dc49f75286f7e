"""Pipelines of deals and of the user's own job search, as pure rules: kinds and their
default stages, what makes a valid list of stages, money and currencies, sources, health,
red flags, and the rules of moving and closing an opportunity.

A pipeline is an ordered list of stages. Open stages (no outcome) come and go; a stage
with an outcome (won or lost) closes the opportunity that enters it, for good::

    prospect → discovery → proposal → negotiation → won | lost | qualified-out

An opportunity may move forward, skip stages, or step back while it is open; every move
is kept as an event (from → to, at), never an overwrite.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

# Money rules live in domain.money; pipelines hand them out with the rest.
from goodwill.domain.money import format_money as format_money
from goodwill.domain.money import from_e4 as from_e4
from goodwill.domain.money import parse_currency as parse_currency
from goodwill.domain.money import parse_money as parse_money
from goodwill.domain.money import to_e4 as to_e4
from goodwill.domain.text import SHORT_MAX, SUMMARY_MAX, clean_text, fold
from goodwill.errors import Conflict, ValidationFailed

STAGE_NAME_MAX = 50
PIPELINE_NAME_MAX = 100
TITLE_MAX = 200
FLAG_MAX = 200
LABEL_MAX = 100
POSITION_MAX = 999_999
QUALIFIED_OUT = "qualified-out"


class PipelineKind(enum.StrEnum):
    SALES = "sales"
    JOB_SEARCH = "job_search"
    CUSTOM = "custom"


class StageOutcome(enum.StrEnum):
    WON = "won"
    LOST = "lost"


class Source(enum.StrEnum):
    COLD = "cold"
    REFERRAL = "referral"
    INTRODUCTION = "introduction"
    INBOUND = "inbound"
    OTHER = "other"


# The sources with a person behind them (who referred or introduced the user).
SOURCES_WITH_A_PERSON = frozenset({Source.REFERRAL, Source.INTRODUCTION})


class Health(enum.StrEnum):
    GOOD = "good"
    WATCH = "watch"
    POOR = "poor"


class EventKind(enum.StrEnum):
    STAGE = "stage"
    NOTE = "note"


@dataclass(frozen=True)
class StageSpec:
    """A stage as the user describes it: name, place, win probability, outcome.

    `renamed_from` names an existing stage this one replaces (a rename keeps the
    stage, its opportunities and its history).
    """

    name: str
    position: int
    probability: float
    outcome: StageOutcome | None = None
    renamed_from: str | None = None

    @property
    def key(self) -> str:
        return fold(self.name)

    @property
    def is_open(self) -> bool:
        return self.outcome is None


def _default(*stages: tuple[str, float, StageOutcome | None]) -> tuple[StageSpec, ...]:
    return tuple(
        StageSpec(name, position, probability, outcome)
        for position, (name, probability, outcome) in enumerate(stages, 1)
    )


WON, LOST = StageOutcome.WON, StageOutcome.LOST
DEFAULT_STAGES: dict[PipelineKind, tuple[StageSpec, ...]] = {
    PipelineKind.SALES: _default(
        ("prospect", 0.1, None),
        ("discovery", 0.2, None),
        ("proposal", 0.5, None),
        ("negotiation", 0.75, None),
        ("won", 1.0, WON),
        ("lost", 0.0, LOST),
        (QUALIFIED_OUT, 0.0, LOST),
    ),
    PipelineKind.JOB_SEARCH: _default(
        ("target", 0.02, None),
        ("networking", 0.05, None),
        ("applied", 0.1, None),
        ("screen", 0.2, None),
        ("interviews", 0.4, None),
        ("offer", 0.8, None),
        ("accepted", 1.0, WON),
        ("rejected", 0.0, LOST),
        ("withdrawn", 0.0, LOST),
    ),
    PipelineKind.CUSTOM: (),  # the user's own stages
}


def _choice(enum_type: type[enum.StrEnum], value: str, field: str) -> str:
    text = value.strip().lower()
    choices = [member.value for member in enum_type]
    if text in choices:
        return text
    raise ValidationFailed(field, f"'{value[:40]}' is not one of {', '.join(choices)}")


def parse_kind(value: str, field: str = "kind") -> PipelineKind:
    """sales, job_search (or job-search) or custom."""
    return PipelineKind(_choice(PipelineKind, value.replace("-", "_"), field))


def parse_source(value: str, field: str = "source") -> Source:
    return Source(_choice(Source, value, field))


def parse_health(value: str, field: str = "health") -> Health:
    return Health(_choice(Health, value, field))


def parse_outcome(value: str | None, field: str = "outcome") -> StageOutcome | None:
    """'won', 'lost', or nothing (an open stage)."""
    if value is None or not value.strip() or value.strip().lower() == "open":
        return None
    return StageOutcome(_choice(StageOutcome, value, field))


def clean_pipeline_name(value: str | None, field: str = "name") -> str:
    name = clean_text(value, field, max_len=PIPELINE_NAME_MAX, required=True) or ""
    if not fold(name):
        raise ValidationFailed(field, f"'{name}' has no letters or digits to match on")
    return name


def clean_stage_name(value: str | None, field: str = "stage") -> str:
    name = clean_text(value, field, max_len=STAGE_NAME_MAX, required=True) or ""
    if not fold(name):
        raise ValidationFailed(field, f"'{name}' has no letters or digits to match on")
    return name


def clean_title(value: str | None, field: str = "title") -> str:
    return clean_text(value, field, max_len=TITLE_MAX, required=True) or ""


def clean_flag(value: str | None, field: str = "flag") -> str:
    """A red flag in a few words ("treats us as order-takers")."""
    return clean_text(value, field, max_len=FLAG_MAX, required=True) or ""


def clean_long_text(value: str | None, field: str, *, required: bool = False) -> str | None:
    return clean_text(value, field, max_len=SUMMARY_MAX, required=required, multiline=True)


def clean_label(value: str | None, field: str = "label") -> str | None:
    return clean_text(value, field, max_len=LABEL_MAX)


def clean_reason(value: str | None, field: str = "reason") -> str:
    """Why an opportunity is qualified out: required, so the reasons can be reported."""
    return clean_text(value, field, max_len=SUMMARY_MAX, required=True, multiline=True) or ""


def parse_probability(value: float | str, field: str = "probability") -> float:
    """A win probability from 0 to 1 ('0.25', or '25%')."""
    try:
        if isinstance(value, str):
            text = value.strip()
            number = float(text[:-1]) / 100 if text.endswith("%") else float(text)
        else:
            number = float(value)
    except ValueError:
        raise ValidationFailed(field, f"'{str(value)[:20]}' is not a number from 0 to 1") from None
    if not 0.0 <= number <= 1.0:  # also refuses NaN
        raise ValidationFailed(field, f"{value} is not between 0 and 1")
    return number


_POSITION = re.compile(r"^(.*)@\s*(-?\d{1,9})\s*$", re.DOTALL)


def parse_stage(text: str, index: int, field: str = "stage") -> StageSpec:
    """'name:probability[:won|lost][@position]', or 'old=new:…' to rename a stage.

    Without '@position' the stage takes its place in the list (`index`, from 1).
    """
    spec = text.strip()
    position = index
    match = _POSITION.match(spec)
    if match:
        spec, position = match.group(1).strip(), int(match.group(2))
    parts = spec.split(":")
    outcome: StageOutcome | None = None
    if len(parts) >= 3 and parts[-1].strip().lower() in {"won", "lost", "open"}:
        outcome = parse_outcome(parts.pop(), field)
    if len(parts) < 2:
        raise ValidationFailed(
            field, f"'{text[:60]}' is not NAME:PROBABILITY[:won|lost] (e.g. 'proposal:0.5')"
        )
    probability = parse_probability(parts.pop(), f"{field} {parts[0].strip()[:STAGE_NAME_MAX]}")
    name = ":".join(parts)
    old: str | None = None
    if "=" in name:
        old, _, name = name.partition("=")
        old = clean_stage_name(old, field)
    return StageSpec(clean_stage_name(name, field), position, probability, outcome, old)


def check_stages(stages: Iterable[StageSpec]) -> list[StageSpec]:
    """Stages in order, refused unless valid: names unique (case- and accent-insensitive),
    positions unique, probabilities from 0 to 1, at least one open and one won stage."""
    ordered: list[StageSpec] = []
    by_key: dict[str, StageSpec] = {}
    by_position: dict[int, StageSpec] = {}
    for raw in stages:
        name = clean_stage_name(raw.name)
        stage = replace(
            raw,
            name=name,
            probability=parse_probability(raw.probability, f"stage {name}"),
            outcome=None if raw.outcome is None else StageOutcome(raw.outcome),
        )
        if not 1 <= stage.position <= POSITION_MAX:
            raise ValidationFailed(
                "stages",
                f"'{stage.name}': position {stage.position} is not from 1 to {POSITION_MAX:,}",
            )
        if stage.key in by_key:
            raise ValidationFailed(
                "stages", f"'{by_key[stage.key].name}' and '{stage.name}' are the same stage name"
            )
        if stage.position in by_position:
            other = by_position[stage.position]
            raise ValidationFailed(
                "stages",
                f"stage order collision: '{other.name}' and '{stage.name}' are both at "
                f"position {stage.position}",
            )
        by_key[stage.key] = by_position[stage.position] = stage
        ordered.append(stage)
    if not ordered:
        raise ValidationFailed("stages", "a pipeline needs stages (e.g. 'lead:0.1', 'won:1:won')")
    if not any(s.is_open for s in ordered):
        raise ValidationFailed("stages", "a pipeline needs at least one open stage")
    if not any(s.outcome is StageOutcome.WON for s in ordered):
        raise ValidationFailed("stages", "a pipeline needs at least one won stage (NAME:1:won)")
    return sorted(ordered, key=lambda s: s.position)


def stages_for(kind: PipelineKind, stages: Sequence[StageSpec] | None) -> list[StageSpec]:
    """The stages a new pipeline gets: the user's, or its kind's defaults."""
    if stages:
        return check_stages(stages)
    if kind is PipelineKind.CUSTOM:
        raise ValidationFailed("stages", "a custom pipeline needs its stages")
    return list(DEFAULT_STAGES[kind])


@dataclass(frozen=True)
class StoredStage:
    """A stage as it is: its id, and how many opportunities are in it or passed by it."""

    id: int
    name: str
    position: int
    probability: float
    outcome: StageOutcome | None
    in_use: int = 0  # opportunities in it now, or with it in their history
    current: int = 0  # opportunities in it now

    @property
    def key(self) -> str:
        return fold(self.name)


@dataclass(frozen=True)
class StagePlan:
    """How to turn the stored stages into the new list: keep (and update), add, remove."""

    keep: list[tuple[int, StageSpec]]
    add: list[StageSpec]
    remove: list[int]


def plan_stages(existing: Sequence[StoredStage], new: Sequence[StageSpec]) -> StagePlan:
    """Match the new list to the stored stages (by name, or `renamed_from`); a stage left
    out is removed, unless opportunities are in it or passed through it."""
    stages = check_stages(new)
    by_key = {s.key: s for s in existing}
    claimed: dict[int, StageSpec] = {}
    keep: list[tuple[int, StageSpec]] = []
    add: list[StageSpec] = []
    for spec in stages:
        source_name = spec.renamed_from or spec.name
        stored = by_key.get(fold(source_name))
        if stored is None and spec.renamed_from is not None:
            names = ", ".join(s.name for s in existing)
            raise ValidationFailed(
                "stages", f"'{spec.renamed_from}' is not a stage of this pipeline: {names}"
            )
        if stored is None:
            add.append(spec)
            continue
        if stored.id in claimed:
            raise ValidationFailed(
                "stages", f"'{claimed[stored.id].name}' and '{spec.name}' both take '{stored.name}'"
            )
        if stored.current and stored.outcome is not spec.outcome:
            raise Conflict(
                f"stage '{stored.name}' has {_count(stored.current)} in it: its outcome "
                "cannot change (move them first)"
            )
        claimed[stored.id] = spec
        keep.append((stored.id, spec))
    remove = [s for s in existing if s.id not in claimed]
    for stage in remove:
        if stage.in_use:
            raise Conflict(
                f"stage '{stage.name}' is in use by {_count(stage.in_use)} "
                "(now or in their history); it cannot be removed"
            )
    return StagePlan(keep, add, [s.id for s in remove])


def _count(n: int) -> str:
    return f"{n} opportunit{'y' if n == 1 else 'ies'}"


def find_stage(stages: Sequence[StoredStage], name: str, pipeline: str) -> StoredStage:
    """A stage of the pipeline by name (case- and accent-insensitive)."""
    key = fold(name.strip())
    for stage in stages:
        if stage.key == key:
            return stage
    names = ", ".join(s.name for s in sorted(stages, key=lambda s: s.position))
    raise ValidationFailed(
        "stage", f"'{name[:STAGE_NAME_MAX]}' is not a stage of pipeline '{pipeline}': {names}"
    )


def first_open_stage(stages: Sequence[StoredStage]) -> StoredStage:
    return min((s for s in stages if s.outcome is None), key=lambda s: s.position)


def check_can_move(current: StoredStage, target: StoredStage) -> None:
    """A closed opportunity stays where it closed; a move goes somewhere else."""
    if current.outcome is not None:
        raise Conflict(
            f"the opportunity is closed ({current.outcome.value}, in stage '{current.name}'); "
            "a closed opportunity cannot move"
        )
    if current.id == target.id:
        raise Conflict(f"the opportunity is already in stage '{current.name}'")


def qualify_out_stage(stages: Sequence[StoredStage]) -> StoredStage:
    """The pipeline's qualified-out stage, or (a custom pipeline without one) its first
    lost stage."""
    lost = sorted((s for s in stages if s.outcome is StageOutcome.LOST), key=lambda s: s.position)
    for stage in lost:
        if stage.key == QUALIFIED_OUT:
            return stage
    if not lost:
        raise Conflict("this pipeline has no lost stage to qualify an opportunity out to")
    return lost[0]


def check_move_time(at: datetime, last: datetime | None, now: datetime) -> None:
    """A move happens after the opportunity's last move and not in the future, so the
    timeline reads in order."""
    if at > now:
        raise ValidationFailed("at", "is in the future; record a move once it happens")
    if last is not None and at < last:
        raise ValidationFailed(
            "at", f"is before the opportunity's last move ({last:%Y-%m-%d %H:%M} UTC)"
        )


def check_not_future(day: date, today: date, field: str) -> None:
    if day > today:
        raise ValidationFailed(field, f"{day.isoformat()} is in the future")


def clean_offer_details(details: dict[str, str] | None) -> dict[str, str | None]:
    """Offer details (key=value): keys and values checked like any text; a blank value
    removes a key."""
    cleaned: dict[str, str | None] = {}
    for raw_key, raw_value in (details or {}).items():
        key = clean_text(raw_key, "detail", max_len=LABEL_MAX, required=True) or ""
        cleaned[key] = clean_text(raw_value, f"detail {key}", max_len=SHORT_MAX)
    return cleaned
