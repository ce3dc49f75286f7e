"""carddav: address books and their cards (hrefs, ETags, sync revisions), and an index
covering the change fingerprint over contacts

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dav_address_books",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"],
            name=op.f("fk_dav_address_books_user_id_users"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"],
            name=op.f("fk_dav_address_books_workspace_id_workspaces"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dav_address_books")),
        sa.UniqueConstraint("user_id", "workspace_id", name=op.f("uq_dav_address_books_user_id")),
    )  # fmt: skip
    op.create_table(
        "dav_cards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("book_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("href", sa.String(length=255), nullable=False),
        sa.Column("etag", sa.String(length=64), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("gone", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["book_id"], ["dav_address_books.id"],
            name=op.f("fk_dav_cards_book_id_dav_address_books"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dav_cards")),
        sa.UniqueConstraint("book_id", "href", name=op.f("uq_dav_cards_book_id")),
        sa.UniqueConstraint("book_id", "contact_id", name="uq_dav_cards_book_contact"),
    )  # fmt: skip
    op.create_index("ix_dav_cards_book_revision", "dav_cards", ["book_id", "revision"])
    op.create_index(
        "ix_contacts_dav_fingerprint", "contacts",
        ["workspace_id", "visibility", "owner_id", "updated_at", "deleted_at"],
    )  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_contacts_dav_fingerprint", table_name="contacts")
    op.drop_index("ix_dav_cards_book_revision", table_name="dav_cards")
    op.drop_table("dav_cards")
    op.drop_table("dav_address_books")
