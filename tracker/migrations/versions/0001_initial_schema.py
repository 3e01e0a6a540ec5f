"""Initial schema: organizations, plans, units, measures, tasks, meetings, assessments, audit log.

The audit log (task_events) is append-only: triggers refuse UPDATE and DELETE on both
SQLite and PostgreSQL, so no client, not only the ORM, can rewrite history.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organizations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organizations")),
        sa.UniqueConstraint("key", name=op.f("uq_organizations_key")),
    )
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("grade", sa.String(length=4), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_assessments_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessments")),
        sa.UniqueConstraint(
            "organization_id", "year", name=op.f("uq_assessments_organization_id_year")
        ),
    )
    op.create_table(
        "meeting_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("rrule", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("time_of_day", sa.Time(), nullable=False),
        sa.Column("place", sa.Text(), nullable=True),
        sa.Column(
            "holiday_policy",
            sa.Enum(
                "flag",
                "skip",
                "move",
                name="holiday_policy",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_meeting_series_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_series")),
        sa.UniqueConstraint(
            "organization_id", "name", name=op.f("uq_meeting_series_organization_id_name")
        ),
    )
    op.create_table(
        "units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("all_units", sa.Boolean(), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["merged_into_id"], ["units.id"], name=op.f("fk_units_merged_into_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_units_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_units")),
        sa.UniqueConstraint("organization_id", "key", name=op.f("uq_units_organization_id_key")),
    )
    op.create_table(
        "assessment_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column(
            "tool",
            sa.Enum(
                "IIT",
                "EIT",
                "OIT",
                name="tool",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("question", sa.Text(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("suggestion", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_assessment_items_assessment_id_assessments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_items")),
        sa.UniqueConstraint(
            "assessment_id", "code", name=op.f("uq_assessment_items_assessment_id_code")
        ),
    )
    op.create_table(
        "indicator_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column(
            "tool",
            sa.Enum(
                "IIT",
                "EIT",
                "OIT",
                name="tool",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("score", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_indicator_scores_assessment_id_assessments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_scores")),
        sa.UniqueConstraint(
            "assessment_id", "number", name=op.f("uq_indicator_scores_assessment_id_number")
        ),
    )
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("moved_to", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "NOT (cancelled AND moved_to IS NOT NULL)", name=op.f("ck_meetings_cancelled_or_moved")
        ),
        sa.ForeignKeyConstraint(
            ["series_id"], ["meeting_series.id"], name=op.f("fk_meetings_series_id_meeting_series")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
        sa.UniqueConstraint("series_id", "date", name=op.f("uq_meetings_series_id_date")),
    )
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("assessment_id", sa.Integer(), nullable=True),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"], ["assessments.id"], name=op.f("fk_plans_assessment_id_assessments")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_plans_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
        sa.UniqueConstraint(
            "organization_id", "fiscal_year", name=op.f("uq_plans_organization_id_fiscal_year")
        ),
    )
    op.create_table(
        "unit_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_unit_aliases_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_unit_aliases_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_aliases")),
        sa.UniqueConstraint(
            "organization_id", "key", name=op.f("uq_unit_aliases_organization_id_key")
        ),
    )
    op.create_table(
        "unit_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=30), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_unit_contacts_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_contacts")),
        sa.UniqueConstraint(
            "unit_id", "channel", "address", name=op.f("uq_unit_contacts_unit_id_channel_address")
        ),
    )
    op.create_table(
        "measures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_measures_plan_id_plans")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measures")),
        sa.UniqueConstraint("plan_id", "position", name=op.f("uq_measures_plan_id_position")),
    )
    op.create_table(
        "measure_items",
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("assessment_item_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_item_id"],
            ["assessment_items.id"],
            name=op.f("fk_measure_items_assessment_item_id_assessment_items"),
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"], ["measures.id"], name=op.f("fk_measure_items_measure_id_measures")
        ),
        sa.PrimaryKeyConstraint("measure_id", "assessment_item_id", name=op.f("pk_measure_items")),
    )
    op.create_table(
        "tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("period_text", sa.Text(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("series_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "not_started",
                "in_progress",
                "done",
                "cancelled",
                name="task_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("percent >= 0 AND percent <= 100", name=op.f("ck_tasks_percent_range")),
        sa.CheckConstraint(
            "start_date IS NULL OR end_date IS NULL OR start_date <= end_date",
            name=op.f("ck_tasks_period_order"),
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"], ["measures.id"], name=op.f("fk_tasks_measure_id_measures")
        ),
        sa.ForeignKeyConstraint(
            ["series_id"], ["meeting_series.id"], name=op.f("fk_tasks_series_id_meeting_series")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
        sa.UniqueConstraint("measure_id", "number", name=op.f("uq_tasks_measure_id_number")),
    )
    op.create_table(
        "task_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=300), nullable=False),
        sa.Column("actor_unit_id", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("evidence_url", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_unit_id"], ["units.id"], name=op.f("fk_task_events_actor_unit_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_task_events_task_id_tasks")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_events")),
    )
    with op.batch_alter_table("task_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_task_events_task_id"), ["task_id"], unique=False)

    op.create_table(
        "task_units",
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_task_units_task_id_tasks")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_task_units_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("task_id", "unit_id", name=op.f("pk_task_units")),
    )
    _create_append_only_triggers()


def downgrade() -> None:
    _drop_append_only_triggers()
    op.drop_table("task_units")
    with op.batch_alter_table("task_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_events_task_id"))

    op.drop_table("task_events")
    op.drop_table("tasks")
    op.drop_table("measure_items")
    op.drop_table("measures")
    op.drop_table("unit_contacts")
    op.drop_table("unit_aliases")
    op.drop_table("plans")
    op.drop_table("meetings")
    op.drop_table("indicator_scores")
    op.drop_table("assessment_items")
    op.drop_table("units")
    op.drop_table("meeting_series")
    op.drop_table("assessments")
    op.drop_table("organizations")


APPEND_ONLY_MESSAGE = "task_events is append-only: the audit log cannot be changed"


def _create_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION task_events_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER task_events_no_change BEFORE UPDATE OR DELETE ON task_events "
            "FOR EACH ROW EXECUTE FUNCTION task_events_append_only()"
        )
        op.execute(
            "CREATE TRIGGER task_events_no_truncate BEFORE TRUNCATE ON task_events "
            "FOR EACH STATEMENT EXECUTE FUNCTION task_events_append_only()"
        )
        return
    for action in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER task_events_no_{action.lower()} BEFORE {action} ON task_events "
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
        )


def _drop_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER task_events_no_truncate ON task_events")
        op.execute("DROP TRIGGER task_events_no_change ON task_events")
        op.execute("DROP FUNCTION task_events_append_only()")
        return
    for action in ("update", "delete"):
        op.execute(f"DROP TRIGGER task_events_no_{action}")
