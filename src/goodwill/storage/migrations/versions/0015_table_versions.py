"""a version per table in place of one data version: a write expires only the cached
results read from the tables it wrote

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 06:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "table_versions",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_table_versions")),
    )
    op.drop_table("data_versions")


def downgrade() -> None:
    table = op.create_table(
        "data_versions",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_versions")),
    )
    op.bulk_insert(table, [{"id": 1, "version": 0}])
    op.drop_table("table_versions")
