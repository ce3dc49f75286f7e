"""pipelines, stages, opportunities and their events, red flags, interview rounds,
activity goals

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 07:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from goodwill.storage.schema import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "activity_goals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=24), nullable=False),
        sa.Column("weekly_target", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_activity_goals_owner_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_activity_goals_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_goals")),
        sa.UniqueConstraint("owner_id", "metric", name=op.f("uq_activity_goals_owner_id")),
    )
    op.create_table(
        "pipelines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column(
            "name_key", sa.Text().with_variant(sa.Text(collation="C"), "postgresql"), nullable=False
        ),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("target_salary_e4", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_pipelines_owner_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"], name=op.f("fk_pipelines_workspace_id_workspaces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pipelines")),
        sa.UniqueConstraint("owner_id", "name_key", name=op.f("uq_pipelines_owner_id")),
    )
    op.create_index(op.f("ix_pipelines_owner_id"), "pipelines", ["owner_id"], unique=False)
    op.create_index(op.f("ix_pipelines_workspace_id"), "pipelines", ["workspace_id"], unique=False)
    op.create_table(
        "pipeline_stages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pipeline_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column(
            "name_key", sa.Text().with_variant(sa.Text(collation="C"), "postgresql"), nullable=False
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["pipeline_id"],
            ["pipelines.id"],
            name=op.f("fk_pipeline_stages_pipeline_id_pipelines"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pipeline_stages")),
        sa.UniqueConstraint("pipeline_id", "name_key", name="uq_pipeline_stages_name_key"),
        sa.UniqueConstraint("pipeline_id", "position", name="uq_pipeline_stages_position"),
    )
    op.create_index(
        op.f("ix_pipeline_stages_pipeline_id"), "pipeline_stages", ["pipeline_id"], unique=False
    )
    op.create_table(
        "opportunities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pipeline_id", sa.Integer(), nullable=False),
        sa.Column("stage_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("value_e4", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("source_contact_id", sa.Integer(), nullable=True),
        sa.Column("source_ledger_id", sa.Integer(), nullable=True),
        sa.Column("introduction_id", sa.Integer(), nullable=True),
        sa.Column("next_task_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("close_reason", sa.Text(), nullable=True),
        sa.Column("benefit_us", sa.Text(), nullable=True),
        sa.Column("benefit_them", sa.Text(), nullable=True),
        sa.Column("health", sa.String(length=8), nullable=True),
        sa.Column("referral_asked_on", sa.Date(), nullable=True),
        sa.Column("referral_received_on", sa.Date(), nullable=True),
        sa.Column("offer", sa.JSON(), nullable=True),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_opportunities_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["introduction_id"],
            ["introductions.id"],
            name=op.f("fk_opportunities_introduction_id_introductions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["next_task_id"],
            ["tasks.id"],
            name=op.f("fk_opportunities_next_task_id_tasks"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_opportunities_organization_id_organizations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_opportunities_owner_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["pipeline_id"], ["pipelines.id"], name=op.f("fk_opportunities_pipeline_id_pipelines")
        ),
        sa.ForeignKeyConstraint(
            ["source_contact_id"],
            ["contacts.id"],
            name=op.f("fk_opportunities_source_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["source_ledger_id"],
            ["ledger_entries.id"],
            name=op.f("fk_opportunities_source_ledger_id_ledger_entries"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["stage_id"],
            ["pipeline_stages.id"],
            name=op.f("fk_opportunities_stage_id_pipeline_stages"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_opportunities_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opportunities")),
    )
    op.create_index(
        op.f("ix_opportunities_contact_id"), "opportunities", ["contact_id"], unique=False
    )
    op.create_index(
        op.f("ix_opportunities_organization_id"), "opportunities", ["organization_id"], unique=False
    )
    op.create_index(op.f("ix_opportunities_owner_id"), "opportunities", ["owner_id"], unique=False)
    op.create_index(
        "ix_opportunities_pipeline_stage",
        "opportunities",
        ["pipeline_id", "stage_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_opportunities_source_contact_id"),
        "opportunities",
        ["source_contact_id"],
        unique=False,
    )
    op.create_index(op.f("ix_opportunities_stage_id"), "opportunities", ["stage_id"], unique=False)
    op.create_index(
        op.f("ix_opportunities_workspace_id"), "opportunities", ["workspace_id"], unique=False
    )
    op.create_table(
        "interview_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("interaction_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interactions.id"],
            name=op.f("fk_interview_rounds_interaction_id_interactions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunities.id"],
            name=op.f("fk_interview_rounds_opportunity_id_opportunities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview_rounds")),
        sa.UniqueConstraint(
            "opportunity_id", "interaction_id", name=op.f("uq_interview_rounds_opportunity_id")
        ),
    )
    op.create_index(
        op.f("ix_interview_rounds_interaction_id"),
        "interview_rounds",
        ["interaction_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_interview_rounds_opportunity_id"),
        "interview_rounds",
        ["opportunity_id"],
        unique=False,
    )
    op.create_table(
        "opportunity_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("from_stage_id", sa.Integer(), nullable=True),
        sa.Column("to_stage_id", sa.Integer(), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["from_stage_id"],
            ["pipeline_stages.id"],
            name=op.f("fk_opportunity_events_from_stage_id_pipeline_stages"),
        ),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunities.id"],
            name=op.f("fk_opportunity_events_opportunity_id_opportunities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["to_stage_id"],
            ["pipeline_stages.id"],
            name=op.f("fk_opportunity_events_to_stage_id_pipeline_stages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opportunity_events")),
    )
    op.create_index(
        "ix_opportunity_events_opportunity_at",
        "opportunity_events",
        ["opportunity_id", "at"],
        unique=False,
    )
    op.create_table(
        "red_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("flagged_on", sa.Date(), nullable=False),
        sa.Column("flag", sa.String(length=200), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunities.id"],
            name=op.f("fk_red_flags_opportunity_id_opportunities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_red_flags")),
    )
    op.create_index(
        op.f("ix_red_flags_opportunity_id"), "red_flags", ["opportunity_id"], unique=False
    )


def downgrade() -> None:
    op.drop_table("red_flags")
    op.drop_table("opportunity_events")
    op.drop_table("interview_rounds")
    op.drop_table("opportunities")
    op.drop_table("pipeline_stages")
    op.drop_table("pipelines")
    op.drop_table("activity_goals")
