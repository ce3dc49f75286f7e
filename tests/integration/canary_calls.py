"""The canary's table: how teammate B calls each public service function.

Each entry is `lambda b, uow, c: [...]` where `c` is the canary test's Probe:
`c.ok(fn, *args)` calls `fn(b, uow, *args)` and must succeed, `c.fails(Error, fn, *args)`
must raise Error, `c.hidden(pairs, call)` must fail on A's records exactly as on
missing ones, and `c.p` holds the planted ids. A new service function needs an
entry here (test_canary.py fails until it has one); the ledger, asks, privacy and
backup entries live in canary_calls_giving.py and are merged below. Mutations aim
at A's private records first, then at B's own or shared ones.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from goodwill.errors import Conflict, PermissionDenied
from goodwill.services import (
    accounts,
    agenda,
    asks,
    contacts,
    demo,
    interactions,
    ledger,
    notes,
    organizations,
    positions,
    tasks,
    trash,
)
from goodwill.services.contacts import ContactChanges as CC
from goodwill.services.organizations import OrganizationChanges as OC
from goodwill.services.views import Ref
from tests.integration.canary_calls_auth import AUTH_CALLS
from tests.integration.canary_calls_contact_pages import CONTACT_PAGE_CALLS
from tests.integration.canary_calls_dav import DAV_CALLS
from tests.integration.canary_calls_discovery import DISCOVERY_CALLS
from tests.integration.canary_calls_giving import GIVING_CALLS, restore_giving_from_trash
from tests.integration.canary_calls_giving_ways import GIVING_WAYS_CALLS
from tests.integration.canary_calls_import_jobs import IMPORT_JOB_CALLS
from tests.integration.canary_calls_imports import IMPORT_CALLS
from tests.integration.canary_calls_intros import INTRO_CALLS
from tests.integration.canary_calls_members import MEMBER_CALLS
from tests.integration.canary_calls_network import NETWORK_CALLS
from tests.integration.canary_calls_paging import PAGING_CALLS
from tests.integration.canary_calls_pipelines import PIPELINE_CALLS
from tests.integration.canary_calls_relations import RELATIONS_CALLS
from tests.integration.canary_calls_reports import REPORT_CALLS
from tests.integration.canary_calls_strength import STRENGTH_CALLS
from tests.integration.canary_calls_today import TODAY_CALLS

MISSING = 999_999_999  # an id no record has
PRIVATE_CONTACT = Ref(None, "a private contact")
PRIVATE_ORG = Ref(None, "a private organization")


def _ids(items: Any) -> list[int]:
    return [item.id for item in items]


def _search_contacts(b: Any, uow: Any, c: Any) -> list[Any]:
    p = c.p
    probes = [p.canary, p.canary.lower(), p.canary[1:16], p.email, p.phone, "212-555-0199"]
    probes += ["Hidden", p.tag, "nick", "value"]
    found = [c.ok(contacts.search_contacts, q, expect=lambda r: r == []) for q in probes]
    found += [
        c.ok(contacts.search_contacts, p.canary, include_archived=True, expect=lambda r: r == []),
        c.ok(contacts.search_contacts, "Shared Person", expect=lambda r: _ids(r) == [p.shared]),
        c.ok(contacts.search_contacts, "shared@example.com", expect=lambda r: len(r) == 1),
    ]
    return found


def _add_contact(b: Any, uow: Any, c: Any) -> list[Any]:
    p = c.p
    org_ids = [(f"#{p.org}", f"#{MISSING}")]
    return [
        c.hidden(org_ids, lambda r: contacts.add_contact(b, uow, CC(name="Bea X", organization=r))),
        # A's private email and phone are not "taken" for B: no conflict naming A's contact.
        c.ok(
            contacts.add_contact,
            CC(name="Bea Twin", add_emails=[p.email], add_phones=[p.phone]),
            echoed=(p.email,),
            expect=lambda r: r.id != p.contact and [e.email for e in r.emails] == [p.email],
        ),
        c.ok(
            contacts.add_contact,
            CC(name="Bea Colleague", organization=p.org_name),
            echoed=(p.org_name,),
            expect=lambda r: r.positions[0].organization.id not in (p.org, None),
        ),
    ]


def _add_position(b: Any, uow: Any, c: Any) -> list[Any]:
    p = c.p
    return [
        c.hidden(c.contact_refs, lambda r: positions.add_position(b, uow, r, "Bea Org")),
        c.hidden(
            [(f"#{p.org}", f"#{MISSING}")],
            lambda r: positions.add_position(b, uow, p.shared, r),
        ),
        c.ok(
            positions.add_position,
            p.shared,
            p.org_name,
            echoed=(p.org_name,),
            expect=lambda r: r.organization.id not in (p.org, None),
        ),
    ]


def _list_notes(b: Any, uow: Any, c: Any) -> list[Any]:
    p = c.p
    seen = {(p.ws_note_on_contact, PRIVATE_CONTACT), (p.ws_note_on_org, PRIVATE_ORG)}
    return [
        c.ok(notes.list_notes, expect=lambda r: seen <= {(n.id, n.about) for n in r}),
        c.ok(notes.list_notes, contact=p.shared, expect=lambda r: _ids(r) == []),
        c.hidden(c.contact_refs, lambda r: notes.list_notes(b, uow, contact=r)),
        c.hidden(c.org_refs, lambda r: notes.list_notes(b, uow, organization=r)),
    ]


def _purge_trash(b: Any, uow: Any, c: Any) -> list[Any]:
    purged = c.ok(trash.purge_trash, everything=True, expect=lambda r: r == 0)
    still = sorted((item.kind, item.id) for item in trash.list_trash(c.a, uow))
    g = c.p.g
    assert still == sorted(
        [
            ("contact", c.p.trashed),
            ("note", c.p.trashed_note),
            ("ledger", g.trashed_ledger),
            ("ask", g.trashed_ask),
        ]
    ), "B's purge reached A's trash"
    return [purged]


def _restore_from_trash(b: Any, uow: Any, c: Any) -> list[Any]:
    p = c.p
    kinds = {
        "contact": [p.trashed, p.contact],
        "note": [p.trashed_note, p.note_on_shared, p.note_on_contact, p.note_on_org],
        "interaction": [p.interaction],
        "task": [p.task],
        "organization": [p.org],
    }
    for kind, ids in kinds.items():
        c.hidden(
            [(i, MISSING) for i in ids],
            lambda r, k=kind: trash.restore_from_trash(b, uow, k, r),
        )
    # B's own records holding A's private email / organization name restore without a
    # clash naming A's records (the clash checks see only what B may see).
    twin = c.ok(contacts.add_contact, CC(name="Bea Twin", add_emails=[p.email]), echoed=(p.email,))
    namesake = c.ok(organizations.add_organization, OC(name=p.org_name), echoed=(p.org_name,))
    c.ok(contacts.delete_contact, twin.id)
    c.ok(organizations.delete_organization, namesake.id, echoed=(p.org_name,))
    c.ok(notes.delete_note, p.b_note)
    return [
        c.ok(trash.restore_from_trash, "contact", twin.id),
        c.ok(trash.restore_from_trash, "organization", namesake.id, echoed=(p.org_name,)),
        c.ok(trash.restore_from_trash, "note", p.b_note),
        *restore_giving_from_trash(b, uow, c),
    ]


A_NOTES = ("note_on_shared", "note_on_contact", "note_on_org", "trashed_note")


def _note_ids(c: Any) -> list[tuple[int, int]]:
    return [(getattr(c.p, name), MISSING) for name in A_NOTES]


def _tasks_hidden(c: Any, call: Callable[[Any], Any]) -> None:
    c.hidden([*c.ids(c.p.task), *c.ids(c.p.g.step)], call)  # a task, an ask's plan step


CALLS: dict[str, Callable[[Any, Any, Any], Any]] = {
    "accounts.add_member": lambda b, uow, c: [
        c.fails(PermissionDenied, accounts.add_member, c.p.email),
        c.fails(PermissionDenied, accounts.add_member, "new.mate@team.example"),
    ],
    "accounts.get_settings": lambda b, uow, c: c.ok(accounts.get_settings),
    "accounts.list_members": lambda b, uow, c: c.ok(accounts.list_members),
    "accounts.update_setting": lambda b, uow, c: [
        c.ok(accounts.update_setting, "name", "Bea Renamed"),
        c.fails(PermissionDenied, accounts.update_setting, "workspace", "Mine now"),
        c.fails(PermissionDenied, accounts.update_setting, "default_visibility", "workspace"),
    ],
    "agenda.today_agenda": lambda b, uow, c: c.ok(
        agenda.today_agenda,
        expect=lambda r: (
            _ids(r.due_today + r.overdue_tasks) == [c.p.b_task]
            and r.ask_steps == []
            and r.asks_waiting == []
        ),
    ),
    "contacts.add_contact": _add_contact,
    "positions.add_position": _add_position,
    "contacts.archive_contact": lambda b, uow, c: [
        c.hidden(c.contact_refs, lambda r: contacts.archive_contact(b, uow, r)),
        c.ok(contacts.archive_contact, c.p.shared),
    ],
    "contacts.delete_contact": lambda b, uow, c: [
        c.hidden(c.contact_refs, lambda r: contacts.delete_contact(b, uow, r)),
        c.fails(PermissionDenied, contacts.delete_contact, c.p.shared),
        c.ok(contacts.delete_contact, c.p.b_contact),
    ],
    "contacts.edit_contact": lambda b, uow, c: [
        c.hidden(c.contact_refs, lambda r: contacts.edit_contact(b, uow, r, CC(nickname="x"))),
        c.hidden(
            [(f"#{c.p.org}", f"#{MISSING}")],
            lambda r: contacts.edit_contact(b, uow, c.p.shared, CC(organization=r)),
        ),
        c.ok(contacts.edit_contact, c.p.shared, CC(nickname="Shary", add_tags=["probe"])),
        c.ok(contacts.edit_contact, c.p.b_contact, CC(add_emails=[c.p.email]), echoed=(c.p.email,)),
        c.fails(PermissionDenied, contacts.edit_contact, c.p.shared, CC(visibility="private")),
    ],
    "positions.end_position": lambda b, uow, c: [
        c.hidden(c.ids(c.p.position), lambda r: positions.end_position(b, uow, r)),
        c.ok(
            positions.end_position,
            c.p.shared_position,
            expect=lambda r: r.organization == PRIVATE_ORG,
        ),
    ],
    "contacts.list_contacts": lambda b, uow, c: [
        c.ok(contacts.list_contacts, expect=lambda r: c.p.shared in _ids(r)),
        c.ok(contacts.list_contacts, include_archived=True, limit=10_000),
        c.ok(contacts.list_contacts, tag=c.p.tag, expect=lambda r: r == []),
        c.ok(contacts.list_contacts, tier="none"),
    ],
    "contacts.search_contacts": _search_contacts,
    "contacts.show_contact": lambda b, uow, c: [
        c.hidden(c.contact_refs, lambda r: contacts.show_contact(b, uow, r)),
        c.ok(
            contacts.show_contact,
            c.p.shared,
            expect=lambda r: PRIVATE_ORG in [pos.organization for pos in r.positions],
        ),
        c.ok(contacts.show_contact, "shared@example.com"),
        c.ok(contacts.show_contact, "Shared"),
    ],
    "contacts.tag_contact": lambda b, uow, c: [
        c.hidden(c.contact_refs, lambda r: contacts.tag_contact(b, uow, r, ["probe"])),
        c.ok(contacts.tag_contact, c.p.shared, ["probe"]),
    ],
    "demo.build_demo": lambda b, uow, c: [
        c.fails(Conflict, demo.build_demo),
        c.ok(demo.build_demo, contacts=5, seed=7, force=True),
    ],
    "interactions.contact_timeline": lambda b, uow, c: [
        c.hidden(c.contact_refs, lambda r: interactions.contact_timeline(b, uow, r)),
        c.ok(
            interactions.contact_timeline,
            c.p.shared,
            expect=lambda r: (
                _ids(r) == [c.p.ws_interaction] and PRIVATE_CONTACT in r[0].participants
            ),
        ),
    ],
    "interactions.delete_interaction": lambda b, uow, c: [
        c.hidden(c.ids(c.p.interaction), lambda r: interactions.delete_interaction(b, uow, r)),
        c.fails(PermissionDenied, interactions.delete_interaction, c.p.ws_interaction),
        c.ok(interactions.delete_interaction, c.p.b_interaction),
    ],
    "interactions.list_interactions": lambda b, uow, c: [
        c.ok(
            interactions.list_interactions,
            expect=lambda r: sorted(_ids(r)) == sorted([c.p.ws_interaction, c.p.b_interaction]),
        ),
        c.ok(interactions.list_interactions, channel="call", limit=1000),
    ],
    "interactions.log_interaction": lambda b, uow, c: [
        c.hidden(
            c.contact_refs,
            lambda r: interactions.log_interaction(b, uow, "call", [c.p.shared, r]),
        ),
        c.ok(
            interactions.log_interaction,
            "call",
            [c.p.shared, c.p.b_contact],
            summary="b call",
            expect=lambda r: _ids(r.open_follow_ups) == [c.p.b_task],
        ),
    ],
    "notes.add_note": lambda b, uow, c: [
        c.hidden(c.contact_refs, lambda r: notes.add_note(b, uow, "hi", contact=r)),
        c.hidden(c.org_refs, lambda r: notes.add_note(b, uow, "hi", organization=r)),
        c.ok(notes.add_note, "on shared", contact=c.p.shared),
    ],
    "notes.delete_note": lambda b, uow, c: [
        c.hidden(_note_ids(c), lambda r: notes.delete_note(b, uow, r)),
        c.fails(PermissionDenied, notes.delete_note, c.p.ws_note_on_contact),
        c.ok(notes.delete_note, c.p.b_note),
    ],
    "notes.edit_note": lambda b, uow, c: [
        c.hidden(_note_ids(c), lambda r: notes.edit_note(b, uow, r, body="x")),
        c.ok(
            notes.edit_note,
            c.p.ws_note_on_contact,
            body="edited by B",
            expect=lambda r: r.about == PRIVATE_CONTACT,
        ),
        c.ok(notes.edit_note, c.p.b_note, body="mine"),
    ],
    "notes.list_notes": _list_notes,
    "organizations.add_organization": lambda b, uow, c: [
        c.ok(
            organizations.add_organization,
            OC(name=c.p.org_name),
            echoed=(c.p.org_name,),
            expect=lambda r: r.id != c.p.org,
        ),
        c.fails(Conflict, organizations.add_organization, OC(name="open org")),
    ],
    "organizations.archive_organization": lambda b, uow, c: [
        c.hidden(c.org_refs, lambda r: organizations.archive_organization(b, uow, r)),
        c.ok(organizations.archive_organization, c.p.b_org),
    ],
    "organizations.delete_organization": lambda b, uow, c: [
        c.hidden(c.org_refs, lambda r: organizations.delete_organization(b, uow, r)),
        c.fails(PermissionDenied, organizations.delete_organization, c.p.open_org),
        c.ok(organizations.delete_organization, c.p.b_org),
    ],
    "organizations.edit_organization": lambda b, uow, c: [
        c.hidden(
            c.org_refs,
            lambda r: organizations.edit_organization(b, uow, r, OC(description="x")),
        ),
        c.ok(
            organizations.edit_organization,
            c.p.open_org,
            OC(description="shared"),
            expect=lambda r: [person.contact.id for person in r.people] == [c.p.shared],
        ),
        c.ok(
            organizations.edit_organization,
            c.p.b_org,
            OC(name=c.p.org_name),
            echoed=(c.p.org_name,),
        ),
    ],
    "organizations.list_organizations": lambda b, uow, c: [
        c.ok(organizations.list_organizations, include_archived=True),
        c.ok(organizations.list_organizations, query=c.p.canary, expect=lambda r: r == []),
        c.ok(organizations.list_organizations, query=c.p.canary[1:16], expect=lambda r: r == []),
        c.ok(
            organizations.list_organizations,
            query="Open Org",
            expect=lambda r: [o.people for o in r] == [1],
        ),
    ],
    "organizations.show_organization": lambda b, uow, c: [
        c.hidden(c.org_refs, lambda r: organizations.show_organization(b, uow, r)),
        c.ok(
            organizations.show_organization,
            "Open Org",
            expect=lambda r: [person.contact.id for person in r.people] == [c.p.shared],
        ),
    ],
    "tasks.add_task": lambda b, uow, c: [
        c.hidden(c.contact_refs, lambda r: tasks.add_task(b, uow, "t", contact=r)),
        c.ok(tasks.add_task, "next", contact=c.p.shared, due="tomorrow"),
    ],
    "tasks.complete_task": lambda b, uow, c: [
        _tasks_hidden(c, lambda r: tasks.complete_task(b, uow, r)),
        c.ok(tasks.complete_task, c.p.ws_task, expect=lambda r: r.task.contact == PRIVATE_CONTACT),
        # A's shared ask of a private contact: its step names nobody B may not see.
        c.ok(
            tasks.complete_task, c.p.g.ws_step, expect=lambda r: r.task.contact == PRIVATE_CONTACT
        ),
    ],
    "tasks.delete_task": lambda b, uow, c: [
        _tasks_hidden(c, lambda r: tasks.delete_task(b, uow, r)),
        c.fails(PermissionDenied, tasks.delete_task, c.p.ws_task),
        c.ok(tasks.delete_task, c.p.b_task),
    ],
    "tasks.list_tasks": lambda b, uow, c: [
        c.ok(tasks.list_tasks, include_done=True, expect=lambda r: _ids(r) == [c.p.b_task]),
        c.ok(tasks.list_tasks, contact=c.p.shared, expect=lambda r: _ids(r) == [c.p.b_task]),
        c.hidden(c.contact_refs, lambda r: tasks.list_tasks(b, uow, contact=r)),
    ],
    "tasks.reschedule_task": lambda b, uow, c: [
        _tasks_hidden(c, lambda r: tasks.reschedule_task(b, uow, r, "+3d")),
        c.ok(
            tasks.reschedule_task,
            c.p.ws_task,
            "+3d",
            expect=lambda r: r.contact == PRIVATE_CONTACT,
        ),
    ],
    "tasks.snooze_task": lambda b, uow, c: [
        _tasks_hidden(c, lambda r: tasks.snooze_task(b, uow, r)),
        c.ok(tasks.snooze_task, c.p.ws_task, expect=lambda r: r.contact == PRIVATE_CONTACT),
    ],
    "trash.list_trash": lambda b, uow, c: [
        c.ok(notes.delete_note, c.p.b_note),
        c.ok(ledger.delete_ledger_entry, c.p.g.b_gave),
        c.ok(asks.delete_ask, c.p.g.b_ask),
        c.ok(
            trash.list_trash,
            expect=lambda r: (
                sorted((i.kind, i.id) for i in r)
                == sorted([("note", c.p.b_note), ("ledger", c.p.g.b_gave), ("ask", c.p.g.b_ask)])
            ),
        ),
    ],
    "trash.purge_trash": _purge_trash,
    "trash.restore_from_trash": _restore_from_trash,
    **GIVING_CALLS,
    **GIVING_WAYS_CALLS,
    **INTRO_CALLS,
    **IMPORT_CALLS,
    **IMPORT_JOB_CALLS,
    **STRENGTH_CALLS,
    **NETWORK_CALLS,
    **DISCOVERY_CALLS,
    **PIPELINE_CALLS,
    **DAV_CALLS,
    **REPORT_CALLS,
    **AUTH_CALLS,
    **MEMBER_CALLS,
    **PAGING_CALLS,
    **RELATIONS_CALLS,
    **TODAY_CALLS,
    **CONTACT_PAGE_CALLS,
}
