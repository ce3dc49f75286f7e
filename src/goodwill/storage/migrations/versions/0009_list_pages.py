"""keyset pages: indexes that serve the API lists' orders

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 00:30:00
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# One column each: SQLite adds the rowid (the id) to every index, so each one serves
# "ORDER BY column, id" in either direction. No (workspace_id, …) composites: without
# statistics SQLite would take one for any query on a workspace and read its contacts
# in that index's order, slowing searches and joins that read them by rowid today.
INDEXES = [
    ("ix_contacts_created_at", "contacts", ["created_at"]),
    ("ix_contacts_updated_at", "contacts", ["updated_at"]),
    ("ix_notes_created_at", "notes", ["created_at"]),
]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
