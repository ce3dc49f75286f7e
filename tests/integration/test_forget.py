"""Forgetting a person: every trace erased or scrubbed, others' data kept (both databases).

The central test walks every table of the metadata, so tables added by later
issues are checked automatically: no row may reference the forgotten contact or
contain their name, emails or phones.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from goodwill.domain.privacy import FORGOTTEN
from goodwill.errors import NotFound, PermissionDenied
from goodwill.services import accounts, contacts, notes, organizations, privacy, tasks
from goodwill.services.actor import Actor, utcnow
from goodwill.services.views import to_jsonable
from goodwill.storage.aggregates import rebuild_touches
from goodwill.storage.schema import (
    Ask,
    Base,
    ContactTouch,
    DiscoveryAnswer,
    Interaction,
    InteractionParticipant,
    Introduction,
    IntroductionEvent,
    LedgerEntry,
    NeedOffer,
    Opportunity,
    OpportunityEvent,
    Pipeline,
    PipelineStage,
    RedFlag,
    Task,
)
from goodwill.storage.unit_of_work import UnitOfWork
from tests.factories import make_contact, make_interaction, make_organization, make_task

NAME = "Pat Quill"
EMAILS = ["pat.quill@example.com", "pq@home.example"]
PHONES = ["+14155550123", "+442079460000"]
LINKEDIN = "https://www.linkedin.com/in/pat-quill/"
NEEDLES = [NAME, *EMAILS, *PHONES, *(p.lstrip("+") for p in PHONES)]
GROUP_SUMMARY = "Dinner with Pat Quill (pat.quill@example.com, +1 415-555-0123) and friends"


def _owned(actor: Actor) -> dict[str, object]:
    now = utcnow()
    return {
        "workspace_id": actor.workspace_id,
        "owner_id": actor.user_id,
        "visibility": "workspace",
        "created_at": now,
        "updated_at": now,
    }


def add_ledger(uow: UnitOfWork, actor: Actor, counterpart: int, **values: object) -> int:
    with uow.write() as session:
        defaults = {
            "direction": "gave",
            "kind": "favor",
            "weight": 2,
            "occurred_on": utcnow().date(),
        }
        entry = LedgerEntry(**_owned(actor), counterpart_id=counterpart, **{**defaults, **values})
        session.add(entry)
        session.flush()
        return entry.id


def add_ask(
    uow: UnitOfWork, actor: Actor, contact: int, steps: list[str], **values: object
) -> tuple[int, list[int]]:
    """An ask with its plan: one task per step (channel), in order."""
    defaults = {"kind": "favor", "what": "a favor", "why_them": "they know", "status": "planned"}
    with uow.write() as session:
        ask = Ask(**_owned(actor), contact_id=contact, **{**defaults, **values})
        session.add(ask)
        session.flush()
        step_tasks = [
            Task(**_owned(actor), title=f"step {n}", ask_id=ask.id, step_order=n, channel=channel)
            for n, channel in enumerate(steps, start=1)
        ]
        session.add_all(step_tasks)
        session.flush()
        return ask.id, [t.id for t in step_tasks]


@dataclass
class World:
    pat: int
    quinn: int
    rae: int
    org: int
    group_interaction: int
    teammate_interaction: int
    rae_ask: int
    rae_entry: int
    quinn_task: int
    rae_steps: list[int]


def build_world(owner: Actor, teammate: Actor, uow: UnitOfWork) -> World:
    org = make_organization(
        owner, uow, name="Harbor Labs", description=f"Founded with {NAME}'s help"
    )
    pat = make_contact(
        owner,
        uow,
        name=NAME,
        add_emails=["Pat.Quill@Example.com", "pq@home.example"],
        add_phones=["(415) 555-0123", "+44 20 7946 0000"],
        add_tags=["mentor", "climbing"],
        custom_fields={"linkedin": LINKEDIN, "birthday": "April"},
        organization=f"#{org.id}",
        title="CTO",
        tier="A",
        how_met="climbing gym",
        visibility="workspace",
    ).id
    quinn = make_contact(
        owner,
        uow,
        name="Quinn Other",
        how_met=f"introduced by {EMAILS[0]}",
        custom_fields={"referred by": NAME},
        visibility="workspace",
    ).id
    rae = make_contact(owner, uow, name="Rae Third", visibility="workspace").id
    notes.add_note(owner, uow, f"{NAME} likes bouldering", contact=pat)
    notes.add_note(teammate, uow, "met at the offsite", contact=pat, visibility="private")
    trashed = notes.add_note(owner, uow, "old note", contact=pat)
    notes.delete_note(owner, uow, trashed.id)
    notes.add_note(owner, uow, f"Quinn knows {NAME} from school", contact=quinn)
    make_interaction(owner, uow, pat, summary=f"Coffee with {NAME}")
    group = make_interaction(
        owner, uow, pat, quinn, rae, summary=GROUP_SUMMARY, visibility="workspace"
    ).interaction.id
    make_interaction(owner, uow, quinn, summary="Quinn alone", when="2024-01-05")
    make_interaction(teammate, uow, pat, summary="private call", visibility="private")
    mate = make_interaction(teammate, uow, pat, quinn, summary=f"call 4155550123 {NAME}")
    make_task(owner, uow, title=f"Send {NAME} the deck", contact=pat)
    make_task(teammate, uow, title="thank them", contact=pat)
    quinn_task = make_task(owner, uow, title=f"Ask Quinn about {NAME}", contact=quinn).id
    add_ledger(uow, owner, pat, note="helped with the move")
    add_ledger(uow, owner, pat, direction="received", kind="advice")
    add_ledger(uow, owner, quinn, kind="introduction", related_contact_id=pat)
    add_ledger(uow, teammate, pat, note="coffee")
    add_ask(uow, owner, pat, ["handwritten note", "call at the agreed time"], what="a reference")
    target_ask, _ = add_ask(
        uow,
        owner,
        quinn,
        [f"email {EMAILS[1]}"],
        kind="introduction",
        target_contact_id=pat,
        why_target_cares=f"{NAME} is hiring",
        blurb=f"Would {NAME} meet me?",
    )
    rae_ask, rae_steps = add_ask(
        uow,
        owner,
        rae,
        ["call"],
        what=f"an intro to someone like {NAME}",
        target_description=f"people like {NAME}, +1 (415) 555 0123",
    )
    rae_entry = add_ledger(
        uow, owner, rae, direction="received", note=f"via {PHONES[0]}", ask_id=target_ask
    )
    day = utcnow().date()
    with uow.write() as session:
        session.add_all(
            [
                DiscoveryAnswer(**_owned(owner), contact_id=pat, question="goal",
                                answer="climb El Cap", learned_on=day),
                DiscoveryAnswer(**_owned(owner), contact_id=quinn, question="challenges",
                                answer=f"hiring without {NAME}", learned_on=day),
                NeedOffer(**_owned(owner), contact_id=pat, kind="need", text="a CFO",
                          tags=["finance"], noted_on=day),
                NeedOffer(**_owned(owner), contact_id=quinn, kind="offer",
                          text=f"can coach people like {NAME}", tags=[], noted_on=day),
                Introduction(**_owned(owner), requester_id=quinn, target_id=pat,
                             status="requested", source="inbound", goal="meet"),
                Introduction(**_owned(owner), requester_id=quinn, target_id=rae,
                             status="requested", source="inbound",
                             goal=f"meet someone who knows {EMAILS[0]}"),
            ]
        )  # fmt: skip
        session.flush()
        intro = session.scalars(select(Introduction).where(Introduction.target_id == rae)).one()
        session.add(IntroductionEvent(introduction_id=intro.id, to_status="requested",
                                      note=f"{NAME} suggested it", at=utcnow()))  # fmt: skip
        pipeline = Pipeline(**_owned(owner), name="Sales", name_key="sales", kind="sales")
        session.add(pipeline)
        session.flush()
        stage = PipelineStage(pipeline_id=pipeline.id, name="Prospect", name_key="prospect",
                              position=1, probability=0.1)  # fmt: skip
        session.add(stage)
        session.flush()
        deal = Opportunity(**_owned(owner), pipeline_id=pipeline.id, stage_id=stage.id,
                           title="Rae's renewal", contact_id=rae, source="cold",
                           opened_at=utcnow())  # fmt: skip
        session.add(deal)
        session.flush()
        session.add_all(
            [
                OpportunityEvent(opportunity_id=deal.id, kind="note", at=utcnow(),
                                 note=f"call {PHONES[0]} first"),
                RedFlag(opportunity_id=deal.id, flagged_on=day, flag="late payment",
                        evidence=f"{NAME} warned us", created_at=utcnow()),
            ]
        )  # fmt: skip
    return World(
        pat,
        quinn,
        rae,
        org.id,
        group,
        mate.interaction.id,
        rae_ask,
        rae_entry,
        quinn_task,
        rae_steps,
    )


def traces_left(uow: UnitOfWork, contact_id: int) -> list[str]:
    """Every row of every table that references the contact or contains their name or keys."""
    found: list[str] = []
    with uow.read() as session:
        for table in Base.metadata.sorted_tables:
            refs = [
                fk.parent.name
                for fk in table.foreign_keys
                if fk.column.table.name == "contacts" and fk.column.name == "id"
            ]
            if table.name == "contacts":
                refs.append("id")
            for row in session.execute(select(table)).mappings():
                found += [f"{table.name}.{c} = {contact_id}" for c in refs if row[c] == contact_id]
                for column, value in row.items():
                    text = value if isinstance(value, str) else None
                    if isinstance(value, dict | list):
                        text = json.dumps(value, ensure_ascii=False)
                    if text is None:
                        continue
                    found += [
                        f"{table.name}.{column} contains {needle!r}"
                        for needle in NEEDLES
                        if needle.lower() in text.lower()
                    ]
    return found


def test_forget_contact_leaves_no_row_referencing_or_naming_them(owner, teammate, uow):
    world = build_world(owner, teammate, uow)
    assert len(traces_left(uow, world.pat)) > 20  # the walk sees the world it checks
    privacy.forget_contact(owner, uow, world.pat)
    assert traces_left(uow, world.pat) == []


def test_forget_contact_summary_counts_and_never_names_them(owner, teammate, uow):
    world = build_world(owner, teammate, uow)
    summary = privacy.forget_contact(owner, uow, NAME)
    counts = to_jsonable(summary)
    # Everything is erased (the table walk proves it), but the counts cover only what
    # the owner may see: the teammate's private note, task, call and the summary of
    # their private interaction are gone without showing through as numbers.
    assert counts == {
        "contact_id": world.pat,
        "emails": 2,
        "phones": 2,
        "custom_fields": 2,
        "tags": 2,
        "positions": 1,
        "notes": 2,
        "tasks": 1,
        "asks": 2,
        "ask_steps": 3,
        "ledger_entries": 4,
        "participations": 2,
        "interactions_removed": 1,
        "touch_aggregates": 2,
        "texts_scrubbed": 14,
        "suppressed_keys": 5,
        "discovery_answers": 1,
        "needs_offers": 1,
        "introductions": 1,
    }
    dumped = json.dumps(counts).lower()
    assert not [n for n in [*NEEDLES, "linkedin", "quill"] if n.lower() in dumped]


def test_forget_contact_keeps_other_peoples_records_scrubbed(owner, teammate, uow):
    world = build_world(owner, teammate, uow)
    privacy.forget_contact(owner, uow, EMAILS[1])
    with uow.read() as session:
        group = session.get_one(Interaction, world.group_interaction)
        assert group.summary == f"Dinner with {FORGOTTEN} ({FORGOTTEN}, {FORGOTTEN}) and friends"
        people = session.scalars(
            select(InteractionParticipant.contact_id)
            .where(InteractionParticipant.interaction_id == group.id)
            .order_by(InteractionParticipant.contact_id)
        ).all()
        assert people == sorted([world.quinn, world.rae])
        mate = session.get_one(Interaction, world.teammate_interaction)
        assert mate.summary == f"call {FORGOTTEN} {FORGOTTEN}"
        rae_ask = session.get_one(Ask, world.rae_ask)
        assert rae_ask.what == f"an intro to someone like {FORGOTTEN}"
        assert rae_ask.target_description == f"people like {FORGOTTEN}, {FORGOTTEN}"
        entry = session.get_one(LedgerEntry, world.rae_entry)
        assert (entry.note, entry.ask_id) == (f"via {FORGOTTEN}", None)
    quinn = contacts.show_contact(owner, uow, world.quinn)
    assert quinn.how_met == f"introduced by {FORGOTTEN}"
    assert quinn.custom_fields == {"referred by": FORGOTTEN}
    assert [n.body for n in quinn.notes] == [f"Quinn knows {FORGOTTEN} from school"]
    assert [t.title for t in quinn.open_tasks] == [f"Ask Quinn about {FORGOTTEN}"]
    org = organizations.show_organization(owner, uow, world.org)
    assert org.description == f"Founded with {FORGOTTEN}'s help"
    assert org.people == []
    # Left: the task about Quinn and the plan of the ask of Rae (the others went with Pat).
    assert {t.id for t in tasks.list_tasks(owner, uow)} == {world.quinn_task, *world.rae_steps}


def test_forget_contact_recomputes_the_other_participants_touches(owner, teammate, uow):
    world = build_world(owner, teammate, uow)
    privacy.forget_contact(owner, uow, world.pat)
    # Quinn: the shared group dinner, the owner's private touch, the teammate's call.
    assert contacts.show_contact(owner, uow, world.quinn).touches == 2
    assert contacts.show_contact(teammate, uow, world.quinn).touches == 2
    assert contacts.show_contact(owner, uow, world.rae).touches == 1

    def touch_rows() -> list[tuple[object, ...]]:
        # Decayed sums rounded: the set-wise rebuild and the incremental fold may differ
        # in the last bit.
        with uow.read() as session:
            return [
                tuple(round(v, 9) if isinstance(v, float) else v for v in r)
                for r in session.execute(
                    select(ContactTouch.__table__).order_by(
                        ContactTouch.contact_id, ContactTouch.owner_id, ContactTouch.visibility
                    )
                )
            ]

    kept = touch_rows()
    with uow.write() as session:
        rebuild_touches(session)
    assert touch_rows() == kept
    assert {row[0] for row in kept} == {world.quinn, world.rae}


def test_forget_contact_suppresses_each_identity_key(owner, teammate, uow):
    world = build_world(owner, teammate, uow)
    privacy.forget_contact(owner, uow, world.pat)
    listed = privacy.list_suppressions(owner, uow)
    assert sorted(s.kind for s in listed) == ["email", "email", "phone", "phone", "url"]
    assert all(len(s.hash_prefix) == 12 for s in listed)
    assert not [n for n in NEEDLES if n.lower() in json.dumps(to_jsonable(listed)).lower()]
    with pytest.raises(PermissionDenied):
        privacy.list_suppressions(teammate, uow)
    with uow.read() as session:
        for kind, value in [
            ("email", "PAT.QUILL@example.com"),
            ("email", EMAILS[1]),
            ("phone", PHONES[0]),
            ("phone", PHONES[1]),
            ("url", "http://linkedin.com/in/Pat-Quill"),
        ]:
            assert privacy.is_suppressed(session, owner.workspace_id, kind, value), value
        assert not privacy.is_suppressed(session, owner.workspace_id, "email", "other@example.com")
        assert not privacy.is_suppressed(session, owner.workspace_id, "phone", EMAILS[0])
        check = privacy.suppression_checker(session, owner.workspace_id)
        assert check("email", EMAILS[0]) and not check("email", "other@example.com")


def test_unsuppress_lifts_one_key_by_email_or_phone_as_typed(owner, uow):
    pat = make_contact(owner, uow, name=NAME, add_emails=EMAILS[:1], add_phones=PHONES[:1])
    privacy.forget_contact(owner, uow, pat.id)
    lifted = privacy.unsuppress(owner, uow, " Pat.Quill@EXAMPLE.com ")
    assert lifted.kind == "email"
    assert privacy.unsuppress(owner, uow, "(415) 555-0123").kind == "phone"
    assert privacy.list_suppressions(owner, uow) == []
    with uow.read() as session:
        assert not privacy.is_suppressed(session, owner.workspace_id, "email", EMAILS[0])
    with pytest.raises(NotFound, match="that email is not suppressed"):
        privacy.unsuppress(owner, uow, EMAILS[0])
    # Suppression does not block adding them by hand: it is for importers.
    assert make_contact(owner, uow, name=NAME, add_emails=EMAILS[:1]).display_name == NAME


def test_unsuppress_by_a_member_is_refused_whether_or_not_suppressed(owner, teammate, uow):
    pat = make_contact(owner, uow, name=NAME, add_emails=EMAILS[:1])
    privacy.forget_contact(owner, uow, pat.id)
    for value in (EMAILS[0], "never@example.com"):
        with pytest.raises(PermissionDenied, match="only a workspace admin"):
            privacy.unsuppress(teammate, uow, value)
    assert len(privacy.list_suppressions(owner, uow)) == 1


def test_forget_contact_by_a_teammate_who_does_not_own_it_is_refused(owner, teammate, uow):
    world = build_world(owner, teammate, uow)
    with pytest.raises(PermissionDenied, match="only the owner of this record may forget it"):
        privacy.forget_contact(teammate, uow, world.pat)
    private = make_contact(owner, uow, name="Hidden Person", add_emails=["hidden@example.com"])
    for ref in (private.id, "hidden@example.com", "Hidden Person"):
        with pytest.raises(NotFound):
            privacy.forget_contact(teammate, uow, ref)
    assert contacts.show_contact(owner, uow, world.pat).display_name == NAME
    assert contacts.show_contact(owner, uow, private.id).display_name == "Hidden Person"
    assert privacy.list_suppressions(owner, uow) == []


def test_forget_contact_by_a_workspace_admin_is_allowed(owner, uow):
    accounts.add_member(owner, uow, "ada@team.example", "Ada Admin", role="admin")
    admin = accounts.local_actor(uow, "ada@team.example")
    shared = make_contact(owner, uow, name=NAME, visibility="workspace")
    assert privacy.forget_contact(admin, uow, shared.id).contact_id == shared.id
    with pytest.raises(NotFound):
        contacts.show_contact(owner, uow, shared.id)


def test_forget_contact_in_the_trash_by_id_only(owner, uow):
    pat = make_contact(owner, uow, name=NAME, add_emails=EMAILS[:1])
    make_interaction(owner, uow, pat.id, summary=f"met {NAME}")
    contacts.delete_contact(owner, uow, pat.id)
    for ref in (NAME, EMAILS[0]):
        with pytest.raises(NotFound):
            privacy.forget_contact(owner, uow, ref)
    summary = privacy.forget_contact(owner, uow, f"#{pat.id}")
    assert (summary.contact_id, summary.interactions_removed) == (pat.id, 1)
    assert traces_left(uow, pat.id) == []
    with pytest.raises(NotFound):
        privacy.forget_contact(owner, uow, pat.id)


def test_forget_contact_unknown_is_not_found(owner, uow):
    with pytest.raises(NotFound, match="no contact #999999"):
        privacy.forget_contact(owner, uow, 999999)
    with pytest.raises(NotFound):
        privacy.forget_contact(owner, uow, "nobody@example.com")
