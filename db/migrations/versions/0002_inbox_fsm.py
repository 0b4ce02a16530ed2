"""Durable inbox, aiogram FSM storage, update dedupe and the statistics choice.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("last_update", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("counted", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.create_table(
        "inbox",
        sa.Column("update_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=True),
        sa.Column("status", sa.String(8), nullable=False, server_default="pending"),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_inbox_key", "inbox", ["key"])
    op.create_index("ix_inbox_status", "inbox", ["status"])
    op.create_index("ix_inbox_received_at", "inbox", ["received_at"])
    op.create_table(
        "fsm",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("state", sa.String(128), nullable=True),
        sa.Column("data", sa.Text(), nullable=False, server_default="{}"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_fsm_updated_at", "fsm", ["updated_at"])


def downgrade() -> None:
    op.drop_table("fsm")
    op.drop_table("inbox")
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("counted")
        batch.drop_column("last_update")
