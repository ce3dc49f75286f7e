"""Double-opt-in introductions on both databases: the happy path into the ledger and a
follow-up task, triage and homework, bad input that writes nothing, visibility, and the
message templates the user edits."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from goodwill.domain.dates import local_date_of, local_midnight_utc
from goodwill.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from goodwill.services import contacts, intros, ledger, tasks, templates
from goodwill.services.actor import Actor, utcnow
from goodwill.services.views import Ref
from goodwill.storage.schema import Introduction, IntroductionEvent, NeedOffer
from goodwill.storage.unit_of_work import UnitOfWork
from tests.factories import make_contact

HOMEWORK = {
    "why_target": "Dana is growing her payments team",
    "blurb": "Ann led payments at Stripe for six years.",
}


@pytest.fixture
def people(owner, uow):
    ann = make_contact(owner, uow, name="Ann Archer")
    dana = make_contact(owner, uow, name="Dana Diaz")
    return ann.id, dana.id


def _request(actor, uow, requester="Ann", target="Dana", **extra):
    extra.setdefault("goal", "hire a payments lead")
    return intros.request_introduction(actor, uow, requester, target, **extra)


def _counts(uow: UnitOfWork) -> tuple[int, int]:
    with uow.read() as session:
        return (
            session.scalar(select(func.count()).select_from(Introduction)) or 0,
            session.scalar(select(func.count()).select_from(IntroductionEvent)) or 0,
        )


def _need(uow: UnitOfWork, actor: Actor, contact_id: int, kind: str, visibility: str) -> int:
    now = utcnow()
    with uow.write() as session:
        row = NeedOffer(
            workspace_id=actor.workspace_id,
            owner_id=actor.user_id,
            visibility=visibility,
            contact_id=contact_id,
            kind=kind,
            text=f"a {kind}",
            tags=[],
            noted_on=date(2024, 1, 1),
            created_at=now,
            updated_at=now,
        )
        session.add(row)
        session.flush()
        return row.id


def test_full_happy_path_writes_one_ledger_entry_and_one_task_two_weeks_later(owner, uow, people):
    ann, dana = people
    view = _request(owner, uow)
    assert (view.status, view.source, view.requester, view.target) == (
        "requested",
        "inbound",
        Ref(ann, "Ann Archer"),
        Ref(dana, "Dana Diaz"),
    )
    assert view.allowed == ["ask-target", "decline", "tell-me-why"]
    asked = intros.triage_introduction(owner, uow, view.id, "accept", **HOMEWORK)
    assert (asked.introduction.status, asked.template) == ("target-asked", "intro-optin")
    assert "Hi Dana Diaz," in asked.message and HOMEWORK["blurb"] in asked.message
    assert "hire a payments lead" in asked.message
    agreed = intros.record_consent(owner, uow, view.id, agreed=True, by="dana")
    assert agreed.status == "target-agreed" and agreed.consent_at is not None
    assert ledger.list_ledger(owner, uow) == [] and tasks.list_tasks(owner, uow) == []

    made = intros.make_introduction(owner, uow, view.id)

    intro = made.introduction
    assert (intro.status, made.template) == ("made", "intro-made")
    assert "Hi Dana Diaz and Ann Archer," in made.message
    [entry] = ledger.list_ledger(owner, uow)
    assert (entry.id, entry.direction, entry.kind, entry.weight) == (
        intro.ledger_entry_id,
        "gave",
        "introduction",
        1,
    )
    assert (entry.counterpart, entry.related) == (Ref(ann, "Ann Archer"), Ref(dana, "Dana Diaz"))
    assert entry.occurred_on == local_date_of(utcnow(), owner.tz)
    [task] = tasks.list_tasks(owner, uow)
    assert task.id == intro.follow_up_task_id
    assert task.title == "Ask Ann Archer how the intro to Dana Diaz went"
    assert task.contact == Ref(ann, "Ann Archer") and task.all_day
    due = local_date_of(utcnow(), owner.tz) + timedelta(days=14)
    assert task.due_at == local_midnight_utc(due, owner.tz)
    assert ledger.ledger_balance(owner, uow, ann).given_weight == 1

    closed = intros.record_intro_outcome(owner, uow, view.id, "met", note="coffee went well")
    assert (closed.status, closed.outcome, closed.outcome_note) == (
        "closed",
        "met",
        "coffee went well",
    )
    assert closed.allowed == [] and tasks.list_tasks(owner, uow) == []
    assert [t.id for t in tasks.list_tasks(owner, uow, include_done=True)] == [task.id]
    assert len(ledger.list_ledger(owner, uow)) == 1
    shown = intros.show_introduction(owner, uow, view.id)
    assert [(e.from_status, e.to_status) for e in shown.events] == [
        (None, "requested"),
        ("requested", "target-asked"),
        ("target-asked", "target-agreed"),
        ("target-agreed", "made"),
        ("made", "closed"),
    ]
    assert shown.events[-1].note == "met: coffee went well"


def test_tell_me_why_returns_the_homework_reply_and_answers_bring_it_back(owner, uow, people):
    view = _request(owner, uow)
    reply = intros.triage_introduction(owner, uow, view.id, "tell-me-why", note="thin")
    assert (reply.introduction.status, reply.template) == ("needs-info", "intro-needs-info")
    assert "Hi Ann Archer," in reply.message
    assert "What are you trying to accomplish?" in reply.message
    assert reply.introduction.allowed == ["answer", "decline"]
    with pytest.raises(ValidationFailed) as caught:
        intros.answer_homework(owner, uow, view.id)
    assert caught.value.field == "goal"
    answered = intros.answer_homework(owner, uow, view.id, why_target=" they hire ", blurb="b")
    assert (answered.status, answered.why_target, answered.blurb) == ("requested", "they hire", "b")
    assert answered.goal == "hire a payments lead"
    assert answered.events[-1].note == "answered: why_target, blurb"
    accepted = intros.triage_introduction(owner, uow, view.id, "accept")
    assert accepted.introduction.status == "target-asked"


def test_decline_and_target_declined_are_final(owner, uow, people):
    first = _request(owner, uow)
    declined = intros.triage_introduction(owner, uow, first.id, "decline", note="not now")
    assert (declined.introduction.status, declined.message) == ("declined", None)
    with pytest.raises(Conflict, match="that is 'declined': allowed now: nothing"):
        intros.triage_introduction(owner, uow, first.id, "accept", **HOMEWORK)
    second = _request(owner, uow, **HOMEWORK)
    intros.triage_introduction(owner, uow, second.id, "accept")
    no = intros.record_consent(owner, uow, second.id, agreed=False, by="Dana Diaz")
    assert (no.status, no.consent_at) == ("target-declined", None)
    with pytest.raises(Conflict, match="cannot make an introduction that is 'target-declined'"):
        intros.make_introduction(owner, uow, second.id)
    assert ledger.list_ledger(owner, uow) == [] and tasks.list_tasks(owner, uow) == []


def test_illegal_moves_name_the_state_and_write_nothing(owner, uow, people):
    view = _request(owner, uow)
    before = _counts(uow)
    with pytest.raises(Conflict) as caught:
        intros.make_introduction(owner, uow, view.id)
    assert str(caught.value) == (
        "cannot make an introduction that is 'requested': "
        "allowed now: ask-target, decline, tell-me-why"
    )
    with pytest.raises(Conflict, match="allowed now: ask-target"):
        intros.record_intro_outcome(owner, uow, view.id, "met")
    with pytest.raises(Conflict):
        intros.answer_homework(owner, uow, view.id, goal="x")
    assert _counts(uow) == before
    assert ledger.list_ledger(owner, uow) == [] and tasks.list_tasks(owner, uow) == []


@pytest.mark.parametrize("other", ["Ann", "ann archer", "#{ann}", "{ann}"])
def test_request_of_a_person_to_themselves_writes_nothing(owner, uow, people, other):
    ann, _ = people
    with pytest.raises(ValidationFailed) as caught:
        _request(owner, uow, requester=f"#{ann}", target=other.format(ann=ann))
    assert caught.value.field == "target"
    assert "an introduction of a person to themselves" in caught.value.reason
    assert _counts(uow) == (0, 0)


@pytest.mark.parametrize("goal", ["", "  ", None])
def test_request_without_the_why_writes_nothing(owner, uow, people, goal):
    with pytest.raises(ValidationFailed) as caught:
        _request(owner, uow, goal=goal)
    assert caught.value.field == "goal" and "must carry the why" in caught.value.reason
    assert _counts(uow) == (0, 0)


def test_request_bad_source_or_unknown_contact_writes_nothing(owner, uow, people):
    with pytest.raises(ValidationFailed):
        _request(owner, uow, source="rumour")
    with pytest.raises(NotFound):
        _request(owner, uow, target="Zed Nobody")
    assert _counts(uow) == (0, 0)


def test_accept_without_the_homework_is_refused_and_nothing_moves(owner, uow, people):
    view = _request(owner, uow)
    with pytest.raises(ValidationFailed) as caught:
        intros.triage_introduction(owner, uow, view.id, "accept", why_target="they hire")
    assert caught.value.field == "blurb" and "what should I say" in caught.value.reason
    after = intros.show_introduction(owner, uow, view.id)
    # The answer given with the refused accept was not kept either: one transaction.
    assert (after.status, after.why_target, len(after.events)) == ("requested", None, 1)


def test_consent_by_the_wrong_party_writes_nothing(owner, uow, people):
    view = _request(owner, uow, **HOMEWORK)
    intros.triage_introduction(owner, uow, view.id, "accept")
    before = _counts(uow)
    for who in ("Ann Archer", make_contact(owner, uow, name="Cy Other").id):
        with pytest.raises(ValidationFailed) as caught:
            intros.record_consent(owner, uow, view.id, agreed=True, by=who)
        assert caught.value.field == "by"
        assert caught.value.reason == "consent must come from the target, Dana Diaz"
    after = intros.show_introduction(owner, uow, view.id)
    assert (after.status, after.consent_at) == ("target-asked", None)
    assert _counts(uow) == before


def test_suggested_introduction_keeps_its_need_and_offer(owner, uow, teammate, people):
    ann, dana = people
    need = _need(uow, owner, ann, "need", "private")
    offer = _need(uow, owner, dana, "offer", "private")
    view = _request(owner, uow, source="suggested", need_id=need, offer_id=offer)
    assert (view.source, view.need_id, view.offer_id) == ("suggested", need, offer)
    with pytest.raises(ValidationFailed) as caught:
        _request(owner, uow, need_id=offer)
    assert caught.value.field == "need_id"
    bea_need = _need(uow, teammate, ann, "need", "private")
    with pytest.raises(NotFound) as hidden:
        _request(owner, uow, need_id=bea_need)
    with pytest.raises(NotFound) as missing:
        _request(owner, uow, need_id=999_999_999)
    assert str(hidden.value) == str(missing.value).replace("999999999", str(bea_need))
    assert _counts(uow) == (1, 1)


def test_list_filters_by_status_and_open(owner, uow, people):
    first = _request(owner, uow)
    second = _request(owner, uow, **HOMEWORK)
    intros.triage_introduction(owner, uow, first.id, "decline")
    intros.triage_introduction(owner, uow, second.id, "accept")
    assert [i.id for i in intros.list_introductions(owner, uow)] == [second.id, first.id]
    assert [i.id for i in intros.list_introductions(owner, uow, open_only=True)] == [second.id]
    assert [i.id for i in intros.list_introductions(owner, uow, status="Declined")] == [first.id]
    with pytest.raises(ValidationFailed):
        intros.list_introductions(owner, uow, status="lost")


def test_introduction_of_a_trashed_contact_leaves_the_list(owner, uow, people):
    ann, _ = people
    view = _request(owner, uow)
    contacts.delete_contact(owner, uow, ann)
    assert intros.list_introductions(owner, uow) == []
    assert intros.show_introduction(owner, uow, view.id).requester.id is None


def test_teammate_never_sees_a_private_introduction(owner, uow, teammate, people):
    view = _request(owner, uow, visibility="private")
    assert intros.list_introductions(teammate, uow) == []
    for call in (
        lambda i: intros.show_introduction(teammate, uow, i),
        lambda i: intros.triage_introduction(teammate, uow, i, "decline"),
        lambda i: intros.record_intro_outcome(teammate, uow, i, "met"),
    ):
        with pytest.raises(NotFound) as hidden:
            call(view.id)
        with pytest.raises(NotFound) as missing:
            call(999_999_999)
        assert str(hidden.value) == str(missing.value).replace("999999999", str(view.id))


def test_teammate_sees_a_shared_introduction_redacted_but_cannot_move_it(owner, uow, teammate):
    secret = make_contact(owner, uow, name="Sam Secret", visibility="private")
    shared = make_contact(owner, uow, name="Sue Shared", visibility="workspace")
    default = _request(owner, uow, requester=shared.id, target=secret.id)
    assert default.visibility == "private"  # a private person makes it private by default
    view = _request(owner, uow, requester=shared.id, target=secret.id, visibility="workspace")
    [seen] = intros.list_introductions(teammate, uow)
    assert seen.id == view.id
    assert (seen.requester, seen.target) == (
        Ref(shared.id, "Sue Shared"),
        Ref(None, "a private contact"),
    )
    with pytest.raises(PermissionDenied):
        intros.triage_introduction(teammate, uow, view.id, "decline")
    assert intros.show_introduction(owner, uow, view.id).status == "requested"


def test_follow_ups_of_a_shared_introduction_of_a_private_person_stay_private(owner, uow, teammate):
    secret = make_contact(owner, uow, name="Sam Secret", visibility="private")
    shared = make_contact(owner, uow, name="Sue Shared", visibility="workspace")
    view = _request(
        owner, uow, requester=shared.id, target=secret.id, visibility="workspace", **HOMEWORK
    )
    intros.triage_introduction(owner, uow, view.id, "accept")
    intros.record_consent(owner, uow, view.id, agreed=True, by=secret.id)
    made = intros.make_introduction(owner, uow, view.id, weight=3)
    assert ledger.list_ledger(owner, uow)[0].weight == 3
    [task] = tasks.list_tasks(owner, uow)
    assert task.visibility == "private" and "Sam Secret" in task.title
    assert tasks.list_tasks(teammate, uow, contact=shared.id) == []
    assert made.introduction.visibility == "workspace"


def test_templates_the_user_edits_write_the_messages(owner, uow, teammate, people):
    body = "Dear $target, may I introduce $requester? ${blurb} Cost: $$0. -- $me"
    saved = templates.save_template(owner, uow, "intro-optin", body)
    assert (saved.customized, saved.body) == (True, body)
    view = _request(owner, uow, **HOMEWORK)
    move = intros.triage_introduction(owner, uow, view.id, "accept")
    assert move.message.startswith("Dear Dana Diaz, may I introduce Ann Archer? Ann led")
    assert "Cost: $0." in move.message
    listed = {t.name: t.customized for t in templates.list_templates(owner, uow)}
    assert listed == {"intro-optin": True, "intro-made": False, "intro-needs-info": False}
    assert not templates.show_template(teammate, uow, "intro-optin").customized
    reset = templates.reset_template(owner, uow, "intro-optin")
    assert not reset.customized and reset.body.startswith("Subject: Would you like")


def test_template_with_an_unknown_placeholder_is_refused_and_not_saved(owner, uow):
    with pytest.raises(ValidationFailed) as caught:
        templates.save_template(owner, uow, "intro-made", "Hi $firstname")
    assert caught.value.field == "body" and "unknown placeholder $firstname" in caught.value.reason
    with pytest.raises(ValidationFailed) as caught:
        templates.save_template(owner, uow, "welcome", "Hi $me")
    assert caught.value.field == "name"
    assert not templates.show_template(owner, uow, "intro-made").customized
    templates.save_template(owner, uow, "intro-made", "one $me")
    assert templates.save_template(owner, uow, "intro-made", "two $me").body == "two $me"
