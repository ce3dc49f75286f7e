"""`goodwill strength`: explained relationship-strength scores, rankings and settings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.domain.strength import (
    CLASSES,
    COMPONENTS,
    SETTING_RANGES,
    Ledger,
    Strength,
    StrengthSettings,
    Touches,
    parse_settings,
    trend,
)
from goodwill.errors import PermissionDenied, ValidationFailed
from goodwill.services import _common as common
from goodwill.services._strength import (
    TREND_DAYS,
    Scored,
    ranked_scores,
    score_contacts,
    scores_before,
    settings_for,
)
from goodwill.services.actor import Actor, utcnow
from goodwill.services.views import Ref
from goodwill.storage.aggregates import rebuild_touches
from goodwill.storage.schema import Contact, Workspace
from goodwill.storage.unit_of_work import UnitOfWork

MAX_LIST = 1_000


@dataclass(frozen=True)
class StrengthView:
    contact: Ref
    score: int  # rounded for display
    exact: float  # the sum of `parts`
    parts: dict[str, float]  # points per component
    values: dict[str, float]  # each component 0–1, before its weight
    trend: str  # rising | stable | cooling
    score_90_days_ago: float
    touches: int
    started_by_me: int
    started_by_them: int
    last_touch: datetime | None
    days_since_last: float | None
    given: int
    received: int
    reasons: dict[str, str]  # one line per component, in words


def _reasons(
    strength: Strength, touches: Touches | None, ledger: Ledger, met_on: date | None
) -> dict[str, str]:
    days = strength.days_since_last
    reasons = {
        "recency": "never in touch" if days is None else f"last touch {days:.0f} days ago",
        "frequency": f"{strength.decayed_touches:.1f} recent touches (decayed)",
    }
    if touches is None:
        reasons["depth"] = "no touches"
        reasons["reciprocity"] = "no touches"
    else:
        biggest = max(CLASSES, key=lambda c: touches.decayed.get(c, 0.0))
        quiet = touches.decayed[biggest] <= 0
        reasons["depth"] = "no recent touches" if quiet else f"mostly {biggest}"
        total = touches.by_me + touches.by_them
        share = f"they started {touches.by_them} of {total} touches" if total else "no touches"
        reasons["reciprocity"] = share
    if ledger.given or ledger.received:
        reasons["reciprocity"] += f"; you gave {ledger.given}, received {ledger.received}"
    first = touches.first_at.date() if touches is not None else None
    since = min(d for d in (first, met_on) if d is not None) if (first or met_on) else None
    reasons["duration"] = f"known since {since:%Y-%m-%d}" if since else "no first touch"
    return reasons


def _view(contact: Contact, actor: Actor, scored: Scored, before: float) -> StrengthView:
    strength, touches, ledger = scored.strength, scored.touches, scored.ledger
    return StrengthView(
        contact=common.contact_ref(contact, actor),
        score=strength.rounded,
        exact=strength.score,
        parts=dict(strength.parts),
        values=dict(strength.values),
        trend=trend(strength.score, before),
        score_90_days_ago=before,
        touches=touches.touches if touches else 0,
        started_by_me=touches.by_me if touches else 0,
        started_by_them=touches.by_them if touches else 0,
        last_touch=touches.last_at if touches else None,
        days_since_last=strength.days_since_last,
        given=ledger.given,
        received=ledger.received,
        reasons=_reasons(strength, touches, ledger, contact.met_on),
    )


def _views(
    session: Session, actor: Actor, now: datetime, settings: StrengthSettings, ids: list[int]
) -> list[StrengthView]:
    """The explained view of these contacts, in this order (domain function, exact)."""
    scored = score_contacts(session, actor, now, ids, settings)
    before = scores_before(session, actor, now, ids, settings)
    contacts = common.contacts_by_id(session, ids)
    return [_view(contacts[c], actor, scored[c], before.get(c, 0.0)) for c in ids]


def contact_strength(actor: Actor, uow: UnitOfWork, contact: str | int) -> StrengthView:
    """One contact's score with each component's contribution and the 90-day trend."""
    with uow.read() as session:
        found = common.resolve_contact(session, actor, contact)
        return _views(session, actor, utcnow(), settings_for(session, actor), [found.id])[0]


def strongest(
    actor: Actor, uow: UnitOfWork, *, limit: int = 20, cooling: bool = False
) -> list[StrengthView]:
    """The strongest relationships; or, with cooling, those that lost the most over
    90 days (strongest first among equals). Ranked by the database, then explained."""
    if not 1 <= limit <= MAX_LIST:
        raise ValidationFailed("top", f"must be between 1 and {MAX_LIST}")
    with uow.read() as session:
        now = utcnow()
        settings = settings_for(session, actor)
        if not cooling:
            chosen = [cid for cid, _ in ranked_scores(session, actor, now, settings, limit=limit)]
            return _views(session, actor, now, settings, chosen)
        # Every score now and 90 days ago, both computed by the database.
        current = dict(ranked_scores(session, actor, now, settings))
        then = now - timedelta(days=TREND_DAYS)
        earlier = dict(ranked_scores(session, actor, then, settings, as_it_was=True))
        drops = {
            cid: earlier.get(cid, 0.0) - value
            for cid, value in current.items()
            if trend(value, earlier.get(cid, 0.0)) == "cooling"
        }
        chosen = sorted(drops, key=lambda c: (-drops[c], -current[c], c))[:limit]
        return _views(session, actor, now, settings, chosen)


def strength_settings(actor: Actor, uow: UnitOfWork) -> dict[str, float]:
    """The workspace's strength settings, flattened (weight.recency, channel.email…)."""
    with uow.read() as session:
        return _flat(settings_for(session, actor))


def _flat(settings: StrengthSettings) -> dict[str, float]:
    flat: dict[str, float] = {}
    for key, value in asdict(settings).items():
        if key == "weights":
            flat.update({f"weight.{k}": float(v) for k, v in value.items()})
        elif key == "channel_weights":
            flat.update({f"channel.{k}": float(v) for k, v in value.items()})
        else:
            flat[key] = float(value)
    return flat


SETTING_NAMES = (
    *SETTING_RANGES,
    *(f"weight.{c}" for c in COMPONENTS),
    *(f"channel.{c}" for c in CLASSES),
)


def set_strength_setting(actor: Actor, uow: UnitOfWork, key: str, value: str) -> dict[str, float]:
    """Change one strength setting for the workspace (owners and admins). A new
    half-life recomputes the workspace's touch aggregates."""
    return set_strength_settings(actor, uow, {key: value})


def set_strength_settings(
    actor: Actor, uow: UnitOfWork, changes: Mapping[str, str]
) -> dict[str, float]:
    """Change several strength settings at once (flattened names, as strength_settings
    gives them), in one transaction: all of them or, if one is refused, none. Owners and
    admins only; a new half-life recomputes the workspace's touch aggregates."""
    for key in changes:
        if key not in SETTING_NAMES:
            raise ValidationFailed("setting", f"'{key}' is not one of {', '.join(SETTING_NAMES)}")
    if not actor.is_admin:
        raise PermissionDenied("only a workspace owner or admin may change strength settings")
    with uow.write() as session:
        workspace = session.get_one(Workspace, actor.workspace_id, with_for_update=True)
        stored = dict(workspace.strength_settings or {})
        old_half_life = parse_settings(stored).half_life_days
        for key, value in changes.items():
            if key.startswith(("weight.", "channel.")):
                group, name = key.split(".", 1)
                group = "weights" if group == "weight" else "channel_weights"
                stored[group] = {**stored.get(group, {}), name: value}
            else:
                stored[key] = value
        try:
            settings = parse_settings(stored)  # checks every value and range
        except ValidationFailed as exc:
            raise ValidationFailed(_flat_name(exc.field), exc.reason) from None
        workspace.strength_settings = _stored(settings)
        session.flush()
        if settings.half_life_days != old_half_life:
            ids = session.scalars(
                select(Contact.id).where(Contact.workspace_id == actor.workspace_id)
            ).all()
            rebuild_touches(session, ids)
        return _flat(settings)


def _flat_name(field: str) -> str:
    """A stored setting's name as the user gives it: weights.recency -> weight.recency."""
    for stored, flat in (("weights.", "weight."), ("channel_weights.", "channel.")):
        if field.startswith(stored):
            return flat + field.removeprefix(stored)
    return field


def _stored(settings: StrengthSettings) -> dict[str, object]:
    """Only what differs from the defaults, so new defaults reach every workspace."""
    defaults = asdict(StrengthSettings())
    stored: dict[str, object] = {}
    for key, value in asdict(settings).items():
        if isinstance(value, dict):
            changed = {k: v for k, v in value.items() if defaults[key].get(k) != v}
            if changed:
                stored[key] = changed
        elif value != defaults[key]:
            stored[key] = value
    return stored
