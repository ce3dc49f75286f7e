"""discovery answers, needs and offers, give dismissals, introductions, message templates

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 07:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from goodwill.storage.schema import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "give_dismissals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("suggestion_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_give_dismissals_owner_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_give_dismissals")),
        sa.UniqueConstraint("owner_id", "suggestion_key", name=op.f("uq_give_dismissals_owner_id")),
    )
    op.create_table(
        "message_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_message_templates_owner_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_templates")),
        sa.UniqueConstraint("owner_id", "name", name=op.f("uq_message_templates_owner_id")),
    )
    op.create_table(
        "discovery_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("question", sa.String(length=16), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("learned_on", sa.Date(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "(contact_id IS NULL) <> (organization_id IS NULL)",
            name=op.f("ck_discovery_answers_one_subject"),
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_discovery_answers_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_discovery_answers_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_discovery_answers_owner_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_discovery_answers_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discovery_answers")),
    )
    op.create_index(
        op.f("ix_discovery_answers_contact_id"), "discovery_answers", ["contact_id"], unique=False
    )
    op.create_index(
        op.f("ix_discovery_answers_organization_id"),
        "discovery_answers",
        ["organization_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_discovery_answers_owner_id"), "discovery_answers", ["owner_id"], unique=False
    )
    op.create_index(
        op.f("ix_discovery_answers_workspace_id"),
        "discovery_answers",
        ["workspace_id"],
        unique=False,
    )
    op.create_table(
        "needs_offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("noted_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_needs_offers_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_needs_offers_owner_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_needs_offers_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_needs_offers")),
    )
    op.create_index(
        op.f("ix_needs_offers_contact_id"), "needs_offers", ["contact_id"], unique=False
    )
    op.create_index(op.f("ix_needs_offers_owner_id"), "needs_offers", ["owner_id"], unique=False)
    op.create_index(
        op.f("ix_needs_offers_workspace_id"), "needs_offers", ["workspace_id"], unique=False
    )
    op.create_table(
        "introductions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("goal", sa.Text(), nullable=True),
        sa.Column("why_target", sa.Text(), nullable=True),
        sa.Column("blurb", sa.Text(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=True),
        sa.Column("need_id", sa.Integer(), nullable=True),
        sa.Column("offer_id", sa.Integer(), nullable=True),
        sa.Column("consent_at", UTCDateTime(), nullable=True),
        sa.Column("made_at", UTCDateTime(), nullable=True),
        sa.Column("ledger_entry_id", sa.Integer(), nullable=True),
        sa.Column("follow_up_task_id", sa.Integer(), nullable=True),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["follow_up_task_id"],
            ["tasks.id"],
            name=op.f("fk_introductions_follow_up_task_id_tasks"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["ledger_entry_id"],
            ["ledger_entries.id"],
            name=op.f("fk_introductions_ledger_entry_id_ledger_entries"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["need_id"],
            ["needs_offers.id"],
            name=op.f("fk_introductions_need_id_needs_offers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["needs_offers.id"],
            name=op.f("fk_introductions_offer_id_needs_offers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_introductions_owner_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["requester_id"],
            ["contacts.id"],
            name=op.f("fk_introductions_requester_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["contacts.id"],
            name=op.f("fk_introductions_target_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_introductions_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_introductions")),
    )
    op.create_index(op.f("ix_introductions_need_id"), "introductions", ["need_id"], unique=False)
    op.create_index(op.f("ix_introductions_offer_id"), "introductions", ["offer_id"], unique=False)
    op.create_index(op.f("ix_introductions_owner_id"), "introductions", ["owner_id"], unique=False)
    op.create_index(
        op.f("ix_introductions_requester_id"), "introductions", ["requester_id"], unique=False
    )
    op.create_index(
        op.f("ix_introductions_target_id"), "introductions", ["target_id"], unique=False
    )
    op.create_index(
        op.f("ix_introductions_workspace_id"), "introductions", ["workspace_id"], unique=False
    )
    op.create_table(
        "introduction_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("introduction_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["introduction_id"],
            ["introductions.id"],
            name=op.f("fk_introduction_events_introduction_id_introductions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_introduction_events")),
    )
    op.create_index(
        op.f("ix_introduction_events_introduction_id"),
        "introduction_events",
        ["introduction_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("introduction_events")
    op.drop_table("introductions")
    op.drop_table("needs_offers")
    op.drop_table("discovery_answers")
    op.drop_table("message_templates")
    op.drop_table("give_dismissals")
