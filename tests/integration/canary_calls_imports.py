"""Canary entries for issue 4's imports: B's imports never reach A's private records.

Functions are looked up on their module at call time, so the canary's spy sees them.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from goodwill.services import accounts, contacts, exporting, importing
from goodwill.services.importing import ImportOptions

MISSING = 999_999_999
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
    "contacts.bulk_update_contacts": lambda b, uow, c: [
        # A's private contact carries the tag too; B's bulk change must not reach it.
        c.ok(contacts.bulk_update_contacts, tag=c.p.tag, add_tags=["x"], expect=lambda r: r == 0),
        c.ok(contacts.bulk_update_contacts, imported=MISSING, tier="A", expect=lambda r: r == 0),
    ],
    "accounts.set_my_emails": lambda b, uow, c: [
        c.ok(accounts.set_my_emails, ["bea@home.example"], expect=lambda r: len(r) == 1)
    ],
}
