"""keyset pages: indexes that serve the API lists' orders within a workspace

Revision ID: 0009
Revises: 0006
Create Date: 2026-12-07 00:30:00
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0006"
branch_labels = None
depends_on = None

# (name, table, columns): each list's sort key then the id, after the workspace, so a
# page seeks to its key and reads in order instead of sorting the whole workspace.
INDEXES = [
    ("ix_interactions_workspace_occurred", "interactions", ["workspace_id", "occurred_at", "id"]),
    ("ix_contacts_workspace_sort_key", "contacts", ["workspace_id", "sort_key", "id"]),
    ("ix_contacts_workspace_created", "contacts", ["workspace_id", "created_at", "id"]),
    ("ix_contacts_workspace_updated", "contacts", ["workspace_id", "updated_at", "id"]),
    ("ix_notes_workspace_created", "notes", ["workspace_id", "created_at", "id"]),
]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
