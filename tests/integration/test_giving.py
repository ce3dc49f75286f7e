"""Needs, offers and ways to give on both databases: adding and validating, listing and
closing, suggestions and what a teammate may see, dismissing, acting (one introduction
or one ledger entry), expiry, discovery challenges as needs, and the agenda."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from goodwill.domain.dates import local_date_of
from goodwill.errors import Ambiguous, Conflict, NotFound, PermissionDenied, ValidationFailed
from goodwill.services import accounts, agenda, giving, intros, ledger
from goodwill.services.actor import utcnow
from goodwill.services.views import Ref
from goodwill.storage.schema import DiscoveryAnswer, GiveDismissal, Introduction, NeedOffer
from tests.factories import make_contact

DE = ["data engineering"]


def _count(uow, model):
    with uow.read() as session:
        return session.scalar(select(func.count()).select_from(model))


def _today(actor):
    return local_date_of(utcnow(), actor.tz)


@pytest.fixture
def people(owner, uow):
    return {
        name.split()[0].lower(): make_contact(owner, uow, name=name).id
        for name in ["Ana Alvarez", "Ben Brown", "Cara Diaz", "Dan Evans", "Eve Fox"]
    }


def _network(owner, uow, people):
    """Ana hires a data engineer, Ben is one; Cara seeks a fintech job, Dan recruits for
    fintech; Eve's need is about carrier costs, and the user has an article on them."""
    return {
        "ana": giving.add_need(owner, uow, people["ana"], "hiring a data engineer", tags=DE).id,
        "ben": giving.add_offer(
            owner, uow, people["ben"], "data engineer open to a new role", tags=DE
        ).id,
        "cara": giving.add_need(
            owner, uow, people["cara"], "looking for a fintech job, resume ready", tags="fintech"
        ).id,
        "dan": giving.add_offer(
            owner, uow, people["dan"], "recruiter for fintech roles", tags="recruiting, fintech"
        ).id,
        "eve": giving.add_need(
            owner, uow, people["eve"], "cutting carrier costs", tags="logistics"
        ),
        "kpi": giving.add_offer(
            owner, uow, None, "my article '10 logistics KPIs' on carrier costs", tags="logistics"
        ).id,
    }


def _by_kind(found):
    return {s.kind: s for s in found}


def test_add_need_keeps_text_tags_dates_and_is_private_by_default(owner, uow, people):
    view = giving.add_need(
        owner,
        uow,
        "ana",
        "  hiring a data engineer ",
        tags="Data, hiring, data",
        expires_on="+4w",
    )
    today = _today(owner)
    assert (view.kind, view.contact, view.text) == (
        "need",
        Ref(people["ana"], "Ana Alvarez"),
        "hiring a data engineer",
    )
    assert (view.tags, view.noted_on, view.expires_on) == (
        ["data", "hiring"],
        today,
        today + timedelta(weeks=4),
    )
    assert (view.closed_at, view.expired, view.visibility) == (None, False, "private")
    assert giving.list_needs_offers(owner, uow) == [view]


def test_add_offer_of_my_own_has_no_contact(owner, uow):
    view = giving.add_offer(owner, uow, None, "can review pitch decks", tags=["pitch deck"])
    assert (view.kind, view.contact, view.tags) == ("offer", None, ["pitch deck"])


def test_a_private_contact_keeps_its_need_private_under_a_workspace_default(owner, uow, people):
    accounts.update_setting(owner, uow, "default_visibility", "workspace")
    shared = make_contact(owner, uow, name="Sam Shared", visibility="workspace")
    assert giving.add_need(owner, uow, shared.id, "a designer").visibility == "workspace"
    assert giving.add_need(owner, uow, people["ana"], "a designer").visibility == "private"


@pytest.mark.parametrize(
    ("contact", "text", "extra", "field", "reason"),
    [
        ("ana", "a data engineer", {"expires_on": "2000-01-01"}, "expires_on", "in the past"),
        ("ana", "a data engineer", {"expires_on": "-1d"}, "expires_on", "in the past"),
        ("ana", "a data engineer", {"noted_on": "+2d"}, "noted_on", "in the future"),
        ("ana", "   ", {}, "text", "must not be blank"),
        ("ana", "x" * 1001, {}, "text", "limit is 1,000"),
        ("ana", "a data engineer", {"tags": ["ok", "bad\x00"]}, "tags", "NUL"),
        ("ana", "a data engineer", {"visibility": "public"}, "visibility", ""),
        (None, "a data engineer", {}, "contact", "someone's"),
    ],
)
def test_bad_input_writes_nothing(owner, uow, people, contact, text, extra, field, reason):
    with pytest.raises(ValidationFailed) as caught:
        giving.add_need(owner, uow, contact, text, **extra)
    assert caught.value.field == field and reason in caught.value.reason
    assert _count(uow, NeedOffer) == 0


def test_an_expiry_in_the_past_names_the_day(owner, uow, people):
    yesterday = _today(owner) - timedelta(days=1)
    with pytest.raises(ValidationFailed) as caught:
        giving.add_offer(owner, uow, "ben", "a data engineer", expires_on=yesterday)
    assert str(caught.value) == f"expires_on: {yesterday.isoformat()} is in the past"
    assert _count(uow, NeedOffer) == 0


def test_list_filters_by_kind_and_contact_and_hides_closed_and_expired(owner, uow, people):
    ids = _network(owner, uow, people)
    assert [v.kind for v in giving.list_needs_offers(owner, uow)] == ["need"] * 3 + ["offer"] * 3
    assert [v.id for v in giving.list_needs_offers(owner, uow, contact="ana")] == [ids["ana"]]
    assert {v.id for v in giving.list_needs_offers(owner, uow, kind="offer")} == {
        ids["ben"],
        ids["dan"],
        ids["kpi"],
    }
    giving.close_need_offer(owner, uow, ids["ana"])
    with uow.write() as session:
        session.get_one(NeedOffer, ids["ben"]).expires_on = _today(owner) - timedelta(days=1)
    shown = {v.id for v in giving.list_needs_offers(owner, uow)}
    assert ids["ana"] not in shown and ids["ben"] not in shown
    everything = {v.id: v for v in giving.list_needs_offers(owner, uow, include_closed=True)}
    assert everything[ids["ana"]].closed_at is not None and everything[ids["ben"]].expired


def test_close_twice_is_a_conflict_and_a_missing_one_is_not_found(owner, uow, people):
    need = giving.add_need(owner, uow, "ana", "a designer")
    assert giving.close_need_offer(owner, uow, need.id).closed_at is not None
    with pytest.raises(Conflict):
        giving.close_need_offer(owner, uow, need.id)
    with pytest.raises(NotFound, match="no need or offer #999999"):
        giving.close_need_offer(owner, uow, 999_999)


def test_ways_to_give_introduce_refer_and_share_with_reasons(owner, uow, people):
    ids = _network(owner, uow, people)
    found = _by_kind(giving.ways_to_give(owner, uow))
    assert set(found) == {"introduce", "refer", "share"}
    intro, refer, share = found["introduce"], found["refer"], found["share"]
    assert (intro.need.id, intro.offer.id) == (ids["ana"], ids["ben"])
    assert intro.action == (
        "Introduce Ana Alvarez (hiring a data engineer) to Ben Brown "
        "(data engineer open to a new role)"
    )
    assert "same tags: data engineering" in intro.reasons and 0 < intro.score <= 1
    assert refer.action == "Pass Cara Diaz's resume to Dan Evans (recruiter for fintech roles)"
    assert share.action == (
        "Send Eve Fox the article '10 logistics KPIs' (their need: cutting carrier costs)"
    )
    assert share.offer.contact is None and len(share.key) == 64 and share.short_key == share.key[:8]
    only_cara = giving.ways_to_give(owner, uow, contact="Cara")
    assert [s.kind for s in only_cara] == ["refer"]
    assert len(giving.ways_to_give(owner, uow, limit=1)) == 1


def test_expired_and_closed_items_never_match(owner, uow, people):
    ids = _network(owner, uow, people)
    giving.close_need_offer(owner, uow, ids["dan"])
    with uow.write() as session:
        session.get_one(NeedOffer, ids["kpi"]).expires_on = _today(owner) - timedelta(days=1)
    assert {s.kind for s in giving.ways_to_give(owner, uow)} == {"introduce"}


def test_a_teammates_private_items_never_appear_not_even_as_reasons(owner, teammate, uow):
    shared = make_contact(owner, uow, name="Sam Shared", visibility="workspace")
    hidden = make_contact(owner, uow, name="Pia Private", visibility="private")
    giving.add_need(owner, uow, shared.id, "hiring a data engineer zebra", tags=DE)
    giving.add_need(owner, uow, hidden.id, "data engineering zebra", visibility="workspace")
    giving.add_offer(owner, uow, None, "article on data engineering zebra", visibility="workspace")
    giving.add_offer(owner, uow, hidden.id, "data engineer zebra", tags=DE)
    assert len(giving.ways_to_give(owner, uow)) >= 2  # the owner sees them all
    bea = make_contact(teammate, uow, name="Bea Friend")
    giving.add_offer(teammate, uow, bea.id, "data engineer, open to a role", tags=DE)
    seen = giving.ways_to_give(teammate, uow)
    assert seen == [] and "zebra" not in repr(giving.list_needs_offers(teammate, uow))
    with pytest.raises(NotFound, match="no contact #"):
        giving.ways_to_give(teammate, uow, contact=hidden.id)
    shared_need = giving.add_need(owner, uow, shared.id, "a data engineer", visibility="workspace")
    assert [s.need.id for s in giving.ways_to_give(teammate, uow)] == [shared_need.id]
    with pytest.raises(PermissionDenied):
        giving.close_need_offer(teammate, uow, shared_need.id)


def test_dismissed_suggestions_do_not_come_back_for_whoever_dismissed(owner, teammate, uow):
    shared = make_contact(owner, uow, name="Sam Shared", visibility="workspace")
    other = make_contact(owner, uow, name="Olly Other", visibility="workspace")
    opts = {"tags": DE, "visibility": "workspace"}
    giving.add_need(owner, uow, shared.id, "hiring a data engineer", **opts)
    giving.add_offer(owner, uow, other.id, "data engineer, open to a role", **opts)
    key = giving.ways_to_give(owner, uow)[0].key
    assert giving.dismiss_suggestion(owner, uow, key[:6]).key == key
    assert giving.ways_to_give(owner, uow) == []
    assert [s.key for s in giving.ways_to_give(teammate, uow)] == [key]
    for call in (giving.dismiss_suggestion, giving.act_on_suggestion):
        with pytest.raises(NotFound, match=f"no way to give with key {key}"):
            call(owner, uow, key)
    assert _count(uow, GiveDismissal) == 1


def test_keys_must_be_hex_of_six_or_more(owner, uow, people):
    _network(owner, uow, people)
    for bad in ["abc12", "not-a-key!", "", "f" * 65]:
        with pytest.raises(ValidationFailed) as caught:
            giving.dismiss_suggestion(owner, uow, bad)
        assert caught.value.field == "key"
    with pytest.raises(NotFound):
        giving.act_on_suggestion(owner, uow, "0" * 64)


def test_an_ambiguous_prefix_is_refused(owner, uow, people, monkeypatch):
    _network(owner, uow, people)
    monkeypatch.setattr(giving.rules, "suggestion_key", lambda kind, a, b: f"abcdef{a}{b}")
    with pytest.raises(Ambiguous, match="matches several suggestions"):
        giving.dismiss_suggestion(owner, uow, "abcdef")


def test_act_on_an_introduce_creates_one_introduction(owner, uow, people):
    ids = _network(owner, uow, people)
    suggestion = _by_kind(giving.ways_to_give(owner, uow))["introduce"]
    acted = giving.act_on_suggestion(owner, uow, suggestion.short_key)
    assert (acted.acted_as, acted.ledger_entry) == ("introduction", None)
    intro = intros.show_introduction(owner, uow, acted.introduction_id)
    assert (intro.source, intro.need_id, intro.offer_id) == ("suggested", ids["ana"], ids["ben"])
    assert (intro.requester.id, intro.target.id) == (people["ana"], people["ben"])
    assert (
        intro.goal == "hiring a data engineer"
        and "Ana" in intro.why_target
        and "you told me" in intro.why_target
    )
    assert intro.visibility == "private" and intro.blurb
    assert _count(uow, Introduction) == 1 and ledger.list_ledger(owner, uow) == []
    assert "introduce" not in _by_kind(giving.ways_to_give(owner, uow))
    with pytest.raises(NotFound):
        giving.act_on_suggestion(owner, uow, suggestion.key)
    assert _count(uow, Introduction) == 1


def test_act_on_a_refer_records_one_resume_given(owner, uow, people):
    ids = _network(owner, uow, people)
    suggestion = _by_kind(giving.ways_to_give(owner, uow))["refer"]
    acted = giving.act_on_suggestion(owner, uow, suggestion.key)
    entry = acted.ledger_entry
    assert (acted.acted_as, acted.introduction_id) == ("ledger", None)
    assert (entry.direction, entry.kind, entry.weight) == ("gave", "resume", 2)
    assert (entry.counterpart.id, entry.related.id) == (people["cara"], people["dan"])
    assert entry.note == suggestion.action
    assert [e.id for e in ledger.list_ledger(owner, uow)] == [entry.id]
    assert _count(uow, Introduction) == 0
    # The need stays open (another recruiter may come); the suggestion does not come back.
    assert ids["cara"] in {v.id for v in giving.list_needs_offers(owner, uow)}
    assert "refer" not in _by_kind(giving.ways_to_give(owner, uow))


def test_act_on_a_share_records_an_article_and_refuses_an_introduction(owner, uow, people):
    _network(owner, uow, people)
    suggestion = _by_kind(giving.ways_to_give(owner, uow))["share"]
    for bad, field in [("introduction", "as"), ("email", "as")]:
        with pytest.raises(ValidationFailed) as caught:
            giving.act_on_suggestion(owner, uow, suggestion.key, as_=bad)
        assert caught.value.field == field
    assert ledger.list_ledger(owner, uow) == [] and _count(uow, GiveDismissal) == 0
    entry = giving.act_on_suggestion(owner, uow, suggestion.key).ledger_entry
    assert (entry.kind, entry.counterpart.id, entry.related, entry.weight) == (
        "article",
        people["eve"],
        None,
        1,
    )


def test_act_on_an_introduce_as_ledger_records_the_introduction_given(owner, uow, people):
    _network(owner, uow, people)
    suggestion = _by_kind(giving.ways_to_give(owner, uow))["introduce"]
    entry = giving.act_on_suggestion(owner, uow, suggestion.key, as_="ledger").ledger_entry
    assert (entry.kind, entry.counterpart.id, entry.related.id) == (
        "introduction",
        people["ana"],
        people["ben"],
    )
    assert _count(uow, Introduction) == 0


def test_a_discovery_challenge_is_a_need_the_latest_answer_counts(owner, uow, people):
    giving.add_offer(owner, uow, None, "my guide 'Onboarding emails that cut churn'")
    now = utcnow()
    with uow.write() as session:
        for days, text in [(90, "churn in onboarding emails"), (3, "pricing pages convert badly")]:
            session.add(
                DiscoveryAnswer(
                    workspace_id=owner.workspace_id,
                    owner_id=owner.user_id,
                    visibility="private",
                    created_at=now,
                    updated_at=now,
                    contact_id=people["eve"],
                    question="challenges",
                    answer=text,
                    learned_on=_today(owner) - timedelta(days=days),
                )
            )
    assert giving.ways_to_give(owner, uow) == []  # the old challenge gave way to the new
    giving.add_offer(owner, uow, None, "can review pricing pages")
    (found,) = giving.ways_to_give(owner, uow)
    assert (found.kind, found.need.source, found.need.id) == ("share", "challenge", None)
    assert found.action == (
        "Offer Eve Fox your help: can review pricing pages "
        "(their challenge: pricing pages convert badly)"
    )
    entry = giving.act_on_suggestion(owner, uow, found.key).ledger_entry
    assert (entry.kind, entry.counterpart.id) == ("advice", people["eve"])


def test_today_shows_the_top_three_ways_to_give(owner, uow, people):
    _network(owner, uow, people)
    day = agenda.today_agenda(owner, uow)
    assert [g.key for g in day.gives] == [g.key for g in giving.ways_to_give(owner, uow, limit=3)]
    assert len(day.gives) == 3


def test_today_matches_only_the_most_recent_needs_and_offers(owner, uow, people, monkeypatch):
    """The agenda bounds its matching to the newest items; `gives` considers them all."""
    day = _today(owner)
    giving.add_need(owner, uow, people["ana"], "hiring a data engineer", tags=DE,
                    noted_on=day - timedelta(days=30))  # fmt: skip
    giving.add_offer(owner, uow, people["ben"], "data engineer open to a new role", tags=DE,
                     noted_on=day - timedelta(days=30))  # fmt: skip
    giving.add_need(owner, uow, people["eve"], "cutting carrier costs", tags="logistics")
    giving.add_offer(owner, uow, None, "my article on carrier costs", tags="logistics")
    everything = {s.kind for s in giving.ways_to_give(owner, uow)}
    assert everything == {"introduce", "share"}
    # The agenda's ways to give computed afresh each time (`__wrapped__`): the memo would
    # serve the first answer again, since nothing was written between the two.
    monkeypatch.setattr(agenda, "GIVES_POOL", 1)
    assert [s.kind for s in agenda._gives_section.__wrapped__(owner, uow)] == ["share"]
    monkeypatch.setattr(agenda, "GIVES_POOL", 2)
    assert {s.kind for s in agenda._gives_section.__wrapped__(owner, uow)} == everything
    assert {s.kind for s in agenda.today_agenda(owner, uow).gives} == everything
