"""On a real SQLite file, a forgotten person's data is gone from the bytes on disk.

Deleting rows is not enough: SQLite leaves old cell contents in free space and
old page images in the -wal file. secure_delete zeroes the first, the checkpoint
after forgetting empties the second.
"""

from __future__ import annotations

from pathlib import Path

from goodwill.bootstrap import open_database
from goodwill.services import accounts, notes, privacy
from tests.factories import make_contact, make_interaction, make_task

EMAIL = "zelda.quarternight@forget-me.example"
NAME = "Zelda Quarternight"


def _on_disk(path: Path) -> bytes:
    files = [path, path.with_name(path.name + "-wal")]
    return b"".join(f.read_bytes() for f in files if f.exists())


def test_forget_contact_leaves_no_bytes_of_them_in_the_database_files(tmp_path):
    path = tmp_path / "forget.db"
    db = open_database(f"sqlite:///{path}")
    try:
        owner = accounts.local_actor(db.uow)
        pat = make_contact(
            owner, db.uow, name=NAME, add_emails=[EMAIL], add_phones=["+33612345678"]
        )
        friend = make_contact(owner, db.uow, name="Friendly Person")
        for n in range(30):
            make_interaction(owner, db.uow, pat.id, summary=f"chat {n} with {NAME} <{EMAIL}>")
        make_interaction(owner, db.uow, pat.id, friend.id, summary=f"{NAME} and a friend")
        notes.add_note(owner, db.uow, f"{NAME} " * 500, contact=pat.id)  # spills to overflow pages
        make_task(owner, db.uow, title=f"write to {EMAIL}", contact=pat.id)
        before = _on_disk(path)
        assert EMAIL.encode() in before and NAME.encode() in before

        privacy.forget_contact(owner, db.uow, pat.id)

        after = _on_disk(path)
        assert EMAIL.encode() not in after
        assert NAME.encode() not in after
        assert not path.with_name(path.name + "-wal").exists() or (
            path.with_name(path.name + "-wal").stat().st_size == 0
        )
    finally:
        db.close()
    closed = _on_disk(path)
    assert EMAIL.encode() not in closed and NAME.encode() not in closed
    assert b"Friendly Person" in closed
