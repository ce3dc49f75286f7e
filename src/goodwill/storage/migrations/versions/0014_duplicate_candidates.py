"""stored duplicate candidates: the pairs of each user's last scan, and the scans

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 03:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import goodwill.storage.schema

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "duplicate_candidates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("contact_a_id", sa.Integer(), nullable=False),
        sa.Column("contact_b_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("scanned_at", goodwill.storage.schema.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_a_id"],
            ["contacts.id"],
            name=op.f("fk_duplicate_candidates_contact_a_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_b_id"],
            ["contacts.id"],
            name=op.f("fk_duplicate_candidates_contact_b_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_duplicate_candidates_owner_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_duplicate_candidates_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duplicate_candidates")),
    )
    op.create_index(
        "ix_duplicate_candidates_best",
        "duplicate_candidates",
        ["owner_id", "workspace_id", "score", "contact_a_id", "contact_b_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_duplicate_candidates_contact_a_id"),
        "duplicate_candidates",
        ["contact_a_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_duplicate_candidates_contact_b_id"),
        "duplicate_candidates",
        ["contact_b_id"],
        unique=False,
    )
    op.create_table(
        "duplicate_scans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_at", goodwill.storage.schema.UTCDateTime(), nullable=False),
        sa.Column("scanned_at", goodwill.storage.schema.UTCDateTime(), nullable=True),
        sa.Column("pairs", sa.Integer(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("failure", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_duplicate_scans_owner_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_duplicate_scans_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duplicate_scans")),
        sa.UniqueConstraint("owner_id", "workspace_id", name=op.f("uq_duplicate_scans_owner_id")),
    )


def downgrade() -> None:
    op.drop_table("duplicate_scans")
    op.drop_index(op.f("ix_duplicate_candidates_contact_b_id"), table_name="duplicate_candidates")
    op.drop_index(op.f("ix_duplicate_candidates_contact_a_id"), table_name="duplicate_candidates")
    op.drop_index("ix_duplicate_candidates_best", table_name="duplicate_candidates")
    op.drop_table("duplicate_candidates")
