"""Needs and offers, and the ways to give they suggest (introduce, refer, share).

A need is always someone's; an offer is someone's or the user's own (no contact: an
article they can send, a skill they can lend). Ways to give are computed when read
from the items the actor may see (their own offers only, and no item of a contact
hidden from them), a contact's latest discovery answers to "challenges" and "goal"
counting as needs. Dismissing a suggestion, or acting on one, stores its key for the
user: it does not come back. Acting never closes the need itself: the same need may
be met twice (two recruiters for one job seeker); `close_need_offer` closes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.domain import giving as rules
from goodwill.domain.dates import local_date_of
from goodwill.domain.giving import Item, Matcher, Suggestion, SuggestionKind
from goodwill.domain.giving_text import shorten
from goodwill.domain.ledger import Direction
from goodwill.domain.people import Visibility
from goodwill.errors import Ambiguous, Conflict, NotFound, ValidationFailed
from goodwill.services import _common as common
from goodwill.services import _giving_items as items
from goodwill.services import _paging as paging
from goodwill.services import ledger
from goodwill.services._giving_items import GiveItemView as GiveItemView
from goodwill.services._giving_items import NeedOfferView as NeedOfferView
from goodwill.services._strength import score_contacts
from goodwill.services._visibility import require_owner
from goodwill.services.actor import Actor, utcnow
from goodwill.services.ledger import LedgerEntryView
from goodwill.storage.schema import Contact, GiveDismissal, NeedOffer
from goodwill.storage.unit_of_work import UnitOfWork

SHORT_KEY = 8
MIN_KEY = 6
ACT_AS = ("auto", "introduction", "ledger")
# What acting on a suggestion weighs in the ledger: passing someone on or
# introducing them is more than sending an article.
LEDGER_WEIGHT = {SuggestionKind.INTRODUCE: 2, SuggestionKind.REFER: 2, SuggestionKind.SHARE: 1}


@dataclass(frozen=True)
class GiveSuggestion:
    """A way to give: what to do, how well the need and the offer match, and why."""

    key: str  # sha256 hex; any unique prefix of 6+ characters names it
    short_key: str  # the first 8 characters
    kind: str  # introduce | refer | share
    action: str
    score: float  # 0–1
    reasons: list[str]
    need: GiveItemView
    offer: GiveItemView


@dataclass(frozen=True)
class ActedView:
    suggestion: GiveSuggestion
    acted_as: str  # introduction | ledger
    introduction_id: int | None
    ledger_entry: LedgerEntryView | None


def add_need(
    actor: Actor,
    uow: UnitOfWork,
    contact: int | str | None,
    text: str,
    *,
    tags: str | Sequence[str] | None = None,
    noted_on: date | str | None = None,
    expires_on: date | str | None = None,
    visibility: str | None = None,
) -> NeedOfferView:
    """Something a contact needs ("hiring a data engineer"), with tags and an optional expiry."""
    if contact is None:
        raise ValidationFailed("contact", "a need is someone's: name the contact who has it")
    return _add(
        actor, uow, rules.ItemKind.NEED, contact, text, tags, noted_on, expires_on, visibility
    )


def add_offer(
    actor: Actor,
    uow: UnitOfWork,
    contact: int | str | None,
    text: str,
    *,
    tags: str | Sequence[str] | None = None,
    noted_on: date | str | None = None,
    expires_on: date | str | None = None,
    visibility: str | None = None,
) -> NeedOfferView:
    """Something a contact offers ("recruiter for fintech roles"), or with no contact
    something of the user's own (an article, a skill)."""
    return _add(
        actor, uow, rules.ItemKind.OFFER, contact, text, tags, noted_on, expires_on, visibility
    )


SORTS = paging.Sorts(
    paging.Sort(
        "kind",
        (paging.Key(NeedOffer.kind, "text"), paging.Key(NeedOffer.noted_on, "date", True)),
        NeedOffer.id,
        id_descending=True,
    ),
    paging.one_key("-noted_on", NeedOffer.id, NeedOffer.noted_on, "date"),
    paging.one_key("noted_on", NeedOffer.id, NeedOffer.noted_on, "date"),
)


def list_needs_offers(
    actor: Actor,
    uow: UnitOfWork,
    *,
    contact: int | str | None = None,
    kind: str | None = None,
    include_closed: bool = False,
) -> list[NeedOfferView]:
    """Open needs and offers (with `include_closed`, the closed and expired ones too),
    needs first, newest first; with a contact, theirs only."""
    page = needs_offers_page(
        actor, uow, contact=contact, kind=kind, include_closed=include_closed, limit=None
    )
    return page.items


def needs_offers_page(
    actor: Actor,
    uow: UnitOfWork,
    *,
    contact: int | str | None = None,
    kind: str | None = None,
    include_closed: bool = False,
    sort: str | None = None,
    after: Sequence[Any] | None = None,
    limit: int | None = 100,
) -> paging.Page[NeedOfferView]:
    """A page of list_needs_offers (`limit` None: all of them); `-noted_on`/`noted_on`
    mix needs and offers by date."""
    wanted = rules.parse_item_kind(kind) if kind is not None else None
    order = SORTS.choose(sort)
    today = local_date_of(utcnow(), actor.tz)
    with uow.read() as session:
        person = common.resolve_contact(session, actor, contact) if contact is not None else None
        stmt = items.rows_query(
            actor,
            today,
            include_closed=include_closed,
            contact_id=person.id if person else None,
            kind=wanted,
        )
        rows = session.execute(paging.seek(stmt, order, after, limit)).all()
        found, next_key = paging.cut(rows, order, limit, entity=lambda r: r[0])
        views = [items.row_view(row, name, actor, today) for row, name in found]
        return paging.page_of(views, order, next_key)


def close_need_offer(actor: Actor, uow: UnitOfWork, item_id: int) -> NeedOfferView:
    """It was met, or is no longer true: it leaves the lists and the ways to give."""
    with uow.write() as session:
        row, name = items.get_row(session, actor, item_id)
        require_owner(row, actor, "close")
        if row.closed_at is not None:
            raise Conflict(f"{row.kind} #{row.id} is already closed")
        row.closed_at = row.updated_at = utcnow()
        return items.row_view(row, name, actor, local_date_of(utcnow(), actor.tz))


def ways_to_give(
    actor: Actor,
    uow: UnitOfWork,
    *,
    limit: int = 10,
    contact: int | str | None = None,
    matcher: Matcher | None = None,
) -> list[GiveSuggestion]:
    """Concrete gives, best first: introduce A (need) to B (offer), pass C's resume to
    recruiter D, send E your article about their challenge — each with why it matched."""
    with uow.read() as session:
        person = common.resolve_contact(session, actor, contact) if contact is not None else None
        return suggestions_for(
            session,
            actor,
            limit=limit,
            contact_id=person.id if person else None,
            matcher=matcher,
        )


def dismiss_suggestion(actor: Actor, uow: UnitOfWork, key: str) -> GiveSuggestion:
    """Not this one: the suggestion does not come back (for the actor)."""
    with uow.write() as session:
        suggestion = _find(session, actor, key)
        _dismiss(session, actor, suggestion.key)
        return _view(suggestion)


def act_on_suggestion(actor: Actor, uow: UnitOfWork, key: str, *, as_: str = "auto") -> ActedView:
    """Turn a suggestion into an introduction (introduce, by default) or a ledger entry
    (refer: gave a resume to the job seeker, related to the recruiter; share: gave an
    article, or advice, to the contact), and keep it from coming back."""
    mode = _act_mode(as_)
    with uow.read() as session:
        suggestion = _find(session, actor, key)
        how = mode if mode != "auto" else _default_mode(suggestion.kind)
        if how == "introduction" and suggestion.kind is SuggestionKind.SHARE:
            raise ValidationFailed(
                "as", "sharing your own offer is a ledger entry: there is nobody to introduce"
            )
        private = items.involves_private(session, actor, suggestion)
    if how == "ledger":
        return _act_in_ledger(actor, uow, suggestion.key, private)
    return _act_as_introduction(actor, uow, suggestion, private)


def suggestions_for(
    session: Session,
    actor: Actor,
    *,
    limit: int,
    contact_id: int | None = None,
    matcher: Matcher | None = None,
    recent: int | None = None,
) -> list[GiveSuggestion]:
    """Ways to give inside a caller's transaction (the agenda's and the CLI's one path).

    recent: only the most recently noted needs and offers of each kind take part (the
    agenda's bound: matching grows with needs × offers, about 35 s at 3,900 × 6,000 in
    bench/giving_quality.py; `goodwill gives` considers them all)."""
    found = _suggest(session, actor, contact_id, matcher, recent)
    return [_view(s) for s in found[: max(0, limit)]]


def _noted(item: Item) -> date:
    return item.noted_on or date.min


def _suggest(
    session: Session,
    actor: Actor,
    contact_id: int | None,
    matcher: Matcher | None,
    recent: int | None = None,
) -> list[Suggestion]:
    now = utcnow()
    today = local_date_of(now, actor.tz)
    needs, offers = items.load_items(session, actor, today)
    if recent is not None:
        needs = sorted(needs, key=_noted, reverse=True)[:recent]
        offers = sorted(offers, key=_noted, reverse=True)[:recent]
    match = matcher or rules.TokenMatcher()
    dismissed = _dismissed(session, actor)
    if contact_id is None:
        found = rules.suggest(needs, offers, match, today, dismissed)
    else:
        # Only pairs with this contact on one side (the other side's items all count).
        theirs = rules.suggest(
            [n for n in needs if n.contact_id == contact_id], offers, match, today, dismissed
        )
        theirs += rules.suggest(
            needs, [o for o in offers if o.contact_id == contact_id], match, today, dismissed
        )
        found = list({s.key: s for s in theirs}.values())
    people = {c for s in found for c in (s.need.contact_id, s.offer.contact_id) if c is not None}
    scored = score_contacts(session, actor, now, sorted(people)) if people else {}
    return rules.rank(found, {c: v.strength.score for c, v in scored.items()})


def _add(
    actor: Actor,
    uow: UnitOfWork,
    kind: rules.ItemKind,
    contact: int | str | None,
    text: str,
    tags: str | Sequence[str] | None,
    noted_on: date | str | None,
    expires_on: date | str | None,
    visibility: str | None,
) -> NeedOfferView:
    body = rules.clean_item_text(text)
    labels = rules.normalize_tags(tags)
    today = local_date_of(utcnow(), actor.tz)
    noted = common.as_date(noted_on, "noted_on", actor) or today
    rules.check_noted_on(noted, today)
    expiry = common.as_date(expires_on, "expires_on", actor)
    rules.check_expiry(expiry, today)
    with uow.write() as session:
        person = common.resolve_contact(session, actor, contact) if contact is not None else None
        private = person is not None and person.visibility == Visibility.PRIVATE
        now = utcnow()
        row = NeedOffer(
            workspace_id=actor.workspace_id,
            owner_id=actor.user_id,
            visibility=common.choose_visibility(
                session, actor, visibility or (Visibility.PRIVATE.value if private else None)
            ),
            contact_id=person.id if person else None,
            kind=kind.value,
            text=body,
            tags=labels,
            noted_on=noted,
            expires_on=expiry,
            created_at=now,
            updated_at=now,
        )
        session.add(row)
        session.flush()
        return items.row_view(row, person.display_name if person else None, actor, today)


def _act_mode(value: str) -> str:
    mode = value.strip().lower()
    if mode not in ACT_AS:
        raise ValidationFailed("as", f"'{value[:40]}' is not one of {', '.join(ACT_AS)}")
    return mode


def _default_mode(kind: SuggestionKind) -> str:
    return "introduction" if kind is SuggestionKind.INTRODUCE else "ledger"


def _act_in_ledger(actor: Actor, uow: UnitOfWork, key: str, private: bool) -> ActedView:
    """The ledger entry and the dismissal in one transaction."""
    with uow.write() as session:
        suggestion = _find(session, actor, key)
        need, offer = suggestion.need, suggestion.offer
        if suggestion.kind is SuggestionKind.SHARE:
            kind = "article" if rules.article(offer) else "advice"
        elif suggestion.kind is SuggestionKind.REFER:
            kind = rules.referral_kind(need)
        else:
            kind = "introduction"
        assert need.contact_id is not None
        entry = ledger.new_entry(
            session,
            actor,
            direction=Direction.GAVE,
            kind=kind,
            counterpart=session.get_one(Contact, need.contact_id),
            related_id=offer.contact_id,
            weight=LEDGER_WEIGHT[suggestion.kind],
            day=local_date_of(utcnow(), actor.tz),
            note=suggestion.action,
            visibility=Visibility.PRIVATE.value if private else None,
        )
        _dismiss(session, actor, suggestion.key)
        return ActedView(
            _view(suggestion), "ledger", None, ledger.entry_view(session, actor, entry)
        )


def _act_as_introduction(
    actor: Actor, uow: UnitOfWork, suggestion: Suggestion, private: bool
) -> ActedView:
    """The introduction and the dismissal in one transaction: a refused introduction
    leaves the suggestion as it was."""
    from goodwill.services import intros

    need, offer = suggestion.need, suggestion.offer
    with uow.write() as session:
        intro = intros.new_introduction(
            session,
            actor,
            f"#{need.contact_id}",
            f"#{offer.contact_id}",
            goal=need.text,
            # Read by the target in the opt-in message: their words, not the matcher's.
            why_target=(
                f"you told me: {shorten(offer.text, 160)}; that fits what {need.name} is after"
            ),
            blurb=(
                f"{need.name} is after this: {shorten(need.text, 160)}. "
                f"I thought of {offer.name} ({shorten(offer.text, 120)}): open to a short intro?"
            ),
            source="suggested",
            need_id=items.row_id(need),
            offer_id=items.row_id(offer),
            visibility=Visibility.PRIVATE.value if private else None,
        )
        _dismiss(session, actor, suggestion.key)
    return ActedView(_view(suggestion), "introduction", intro.id, None)


def _find(session: Session, actor: Actor, key: str) -> Suggestion:
    """The live, undismissed suggestion a key (or a unique prefix of 6+) names."""
    text = (key or "").strip().lower()
    if len(text) < MIN_KEY or len(text) > 64 or any(ch not in "0123456789abcdef" for ch in text):
        raise ValidationFailed(
            "key", f"'{text[:70]}' is not a suggestion key (6 to 64 hexadecimal characters)"
        )
    found = [s for s in _suggest(session, actor, None, None) if s.key.startswith(text)]
    if not found:
        raise NotFound(f"no way to give with key {text}")
    if len(found) > 1:
        raise Ambiguous(
            f"key {text} matches several suggestions; give more characters",
            [s.key[:12] for s in found[:10]],
        )
    return found[0]


def _dismissed(session: Session, actor: Actor) -> set[str]:
    return set(
        session.scalars(
            select(GiveDismissal.suggestion_key).where(GiveDismissal.owner_id == actor.user_id)
        )
    )


def _dismiss(session: Session, actor: Actor, key: str) -> None:
    session.add(GiveDismissal(owner_id=actor.user_id, suggestion_key=key, created_at=utcnow()))
    session.flush()


def _view(s: Suggestion) -> GiveSuggestion:
    return GiveSuggestion(
        key=s.key,
        short_key=s.key[:SHORT_KEY],
        kind=s.kind.value,
        action=s.action,
        score=round(s.match.score, 3),
        reasons=list(s.match.reasons),
        need=items.item_view(s.need),
        offer=items.item_view(s.offer),
    )
