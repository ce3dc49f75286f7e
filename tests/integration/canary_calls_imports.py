"""Canary entries for issue 4's imports: B's imports never reach A's private records.

Functions are looked up on their module at call time, so the canary's spy sees them.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from goodwill.errors import PermissionDenied
from goodwill.services import accounts, contacts, dedupe, exporting, importing
from goodwill.services.actor import utcnow
from goodwill.services.contacts import ContactChanges as CC
from goodwill.services.importing import ImportOptions
from goodwill.services.views import Ref
from goodwill.storage.schema import StoredDuplicate

MISSING = 999_999_999
PRIVATE_ORG = Ref(None, "a private organization")
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"


def _file(name: str, rows: list[str]) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="canary-import-"))
    path = folder / name
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def _a_import(c: Any) -> int:
    """A imports a file named with the canary, holding A's private person's email."""
    p = c.p
    path = _file(f"{p.canary}.csv", [f"Ann,{p.canary},,{p.email},{p.canary} Co,CTO,01 Jan 2020"])
    return int(importing.run_import(c.a, c.uow, path, ImportOptions(format="linkedin")).id)


def _run_import(b: Any, uow: Any, c: Any) -> list[Any]:
    p = c.p
    # A row with A's private email: B gets a contact of B's own; A's stays untouched.
    path = _file("bea.csv", [f"Bea,Import,,{p.email},Bea Co,Lead,01 Jan 2020"])
    result = c.ok(
        importing.run_import,
        path,
        ImportOptions(format="linkedin"),
        expect=lambda r: r.counts["created"] == 1 and r.counts["updated"] == 0,
    )
    assert contacts.show_contact(c.a, uow, p.contact).first_name == p.canary
    return [result]


def _list_imports(b: Any, uow: Any, c: Any) -> list[Any]:
    _a_import(c)
    return [c.ok(importing.list_imports, expect=lambda r: r == [])]


def _undo_import(b: Any, uow: Any, c: Any) -> list[Any]:
    theirs = _a_import(c)
    c.hidden([(theirs, MISSING)], lambda r: importing.undo_import(b, uow, r))
    path = _file("mine.csv", ["Bo,Own,,bo@example.com,Co,T,01 Jan 2020"])
    mine = importing.run_import(b, uow, path, ImportOptions(format="linkedin")).id
    return [c.ok(importing.undo_import, mine, expect=lambda r: r.status == "undone")]


def _written(c: Any, fn: Callable[..., Any], out: Any, **kwargs: Any) -> list[Any]:
    """Call an exporter as B; what it wrote must hold no trace of A's private records."""
    count = c.ok(fn, out, **kwargs)
    text = out.getvalue()
    text = text.decode("utf-8") if isinstance(text, bytes) else text
    p = c.p
    for secret in (p.canary, p.canary.lower(), p.email, p.phone):
        assert secret not in text, f"{fn.__name__} wrote {secret!r} for the teammate"
    assert "Shared" in text
    return [count, text]


def _agenda_calendar(b: Any, uow: Any, c: Any) -> list[Any]:
    """B's agenda as iCalendar: B's task with its usual UID, nothing of A's private records."""
    out = io.BytesIO()
    count = c.ok(exporting.export_agenda, out, lapsed_limit=1000)
    text = out.getvalue().decode("utf-8")
    p = c.p
    for secret in (p.canary, p.canary.lower(), p.email, p.phone):
        assert secret not in text, f"export_agenda wrote {secret!r} for the teammate"
    assert f"UID:task-{p.b_task}@goodwill.local" in text
    return [count, text]


def _list_duplicates(b: Any, uow: Any, c: Any) -> list[Any]:
    p = c.p
    hidden = {p.contact, p.trashed}
    found = [c.hidden(c.contact_refs, lambda r: dedupe.list_duplicates(b, uow, contact=r))]
    # B's own twin of A's private contact (same name, email, phone) pairs with nothing of A's.
    twin = c.ok(
        contacts.add_contact,
        CC(first_name=p.canary, last_name="Hidden", add_emails=[p.email], add_phones=[p.phone]),
        echoed=(p.canary, p.email),
    )
    return [
        *found,
        c.ok(
            dedupe.list_duplicates,
            limit=10_000,
            expect=lambda r: not hidden & {i for x in r.candidates for i in (x.a.id, x.b.id)},
        ),
        c.ok(dedupe.list_duplicates, contact=twin.id, expect=lambda r: r.candidates == []),
    ]


def _stored_duplicates(b: Any, uow: Any, c: Any) -> list[Any]:
    """B's scan and B's stored pairs: A's private contacts are neither stored nor shown,
    not even from a pair stored for B before A's contact was made private."""
    p = c.p
    hidden = {p.contact, p.trashed}
    twin = c.ok(
        contacts.add_contact,
        CC(first_name=p.canary, last_name="Hidden", add_emails=[p.email], add_phones=[p.phone]),
        echoed=(p.canary, p.email),
    )
    scanned = c.ok(dedupe.scan_duplicates, expect=lambda r: r.pairs >= 0)
    with uow.write() as session:  # as if B had scanned while A's contact was shared
        low, high = sorted((p.contact, twin.id))
        session.add(
            StoredDuplicate(
                owner_id=b.user_id, workspace_id=b.workspace_id, contact_a_id=low,
                contact_b_id=high, score=100, reasons=["same email"], scanned_at=utcnow(),
            )
        )  # fmt: skip

    def clean(r: Any) -> bool:
        return not hidden & {i for x in r.candidates for i in (x.a.id, x.b.id)}

    return [
        scanned,
        c.ok(dedupe.stored_duplicates, limit=200, expect=clean),
        c.ok(dedupe.stored_duplicates, limit=1, after=(101, 0, 0), expect=clean),
    ]


def _scan_calls(b: Any, uow: Any, c: Any) -> list[Any]:
    return [
        c.ok(dedupe.scan_state, expect=lambda r: r.status == "never"),
        c.ok(dedupe.start_scan, expect=lambda r: r is True),
        c.ok(dedupe.run_scan),
        c.ok(dedupe.run_failed, "never mind"),
        c.ok(dedupe.scan_state, expect=lambda r: r.status == "done"),
        c.ok(dedupe.start_background_scan, dedupe.run_scan, expect=lambda r: r is True),
        c.ok(dedupe.scan_state, expect=lambda r: r.status == "done"),
        c.ok(dedupe.stored_duplicates, expect=lambda r: not {c.p.contact} & {
            i for x in r.candidates for i in (x.a.id, x.b.id)}),
        c.ok(dedupe.start_background_scan, _no_process, expect=lambda r: r is True),
        c.ok(dedupe.scan_state, expect=lambda r: r.failure == dedupe.NOT_STARTED),
    ]  # fmt: skip


def _no_process(actor: Any, uow: Any) -> None:
    raise OSError("no process today")


def _merge_calls(name: str) -> Callable[[Any, Any, Any], Any]:
    def calls(b: Any, uow: Any, c: Any) -> list[Any]:
        fn = getattr(dedupe, name)  # looked up at call time: the canary's spy
        return [
            c.hidden(c.contact_refs, lambda r: fn(b, uow, r, c.p.b_contact)),
            c.hidden(c.contact_refs, lambda r: fn(b, uow, c.p.shared, r)),
            c.fails(PermissionDenied, fn, c.p.b_contact, c.p.shared),
            c.ok(
                fn,
                c.p.shared,
                c.p.b_contact,
                expect=lambda r: PRIVATE_ORG in [x.organization for x in r.positions],
            ),
        ]

    return calls


IMPORT_CALLS: dict[str, Callable[[Any, Any, Any], Any]] = {
    "importing.run_import": _run_import,
    "importing.list_imports": _list_imports,
    "importing.undo_import": _undo_import,
    "exporting.export_vcards": lambda b, uow, c: _written(
        c, exporting.export_vcards, io.StringIO(), version="4.0"
    ),
    "exporting.export_csv": lambda b, uow, c: _written(c, exporting.export_csv, io.StringIO()),
    "exporting.export_calendar": lambda b, uow, c: _written(
        c, exporting.export_calendar, io.BytesIO()
    ),
    "exporting.export_agenda": _agenda_calendar,
    "contacts.bulk_update_contacts": lambda b, uow, c: [
        # A's private contact carries the tag too; B's bulk change must not reach it.
        c.ok(contacts.bulk_update_contacts, tag=c.p.tag, add_tags=["x"], expect=lambda r: r == 0),
        c.ok(contacts.bulk_update_contacts, imported=MISSING, tier="A", expect=lambda r: r == 0),
    ],
    "dedupe.list_duplicates": _list_duplicates,
    "dedupe.scan_duplicates": _stored_duplicates,
    "dedupe.stored_duplicates": _stored_duplicates,
    "dedupe.scan_state": _scan_calls,
    "dedupe.start_scan": _scan_calls,
    "dedupe.run_scan": _scan_calls,
    "dedupe.run_failed": _scan_calls,
    "dedupe.start_background_scan": _scan_calls,
    "dedupe.dismiss_duplicate": lambda b, uow, c: [
        c.hidden(c.contact_refs, lambda r: dedupe.dismiss_duplicate(b, uow, r, c.p.shared)),
        c.hidden(c.contact_refs, lambda r: dedupe.dismiss_duplicate(b, uow, c.p.b_contact, r)),
        c.ok(dedupe.dismiss_duplicate, c.p.shared, c.p.b_contact),
    ],
    "dedupe.preview_merge": _merge_calls("preview_merge"),
    "dedupe.merge_contacts": _merge_calls("merge_contacts"),
    "accounts.set_my_emails": lambda b, uow, c: [
        c.ok(accounts.set_my_emails, ["bea@home.example"], expect=lambda r: len(r) == 1)
    ],
}
