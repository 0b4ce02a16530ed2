"""Anonymous enquiry statistics, and the campaign code of a conversation.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("campaign", sa.String(32), nullable=True))
    op.create_table(
        "enquiry_facts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("flow", sa.String(32), nullable=True),
        sa.Column("node", sa.String(32), nullable=True),
        sa.Column("urgency", sa.String(8), nullable=True),
        sa.Column("lang", sa.String(16), nullable=True),
        sa.Column("campaign", sa.String(32), nullable=True),
    )
    op.create_index("ix_enquiry_facts_day", "enquiry_facts", ["day"])
    op.create_index("ix_enquiry_facts_kind_day", "enquiry_facts", ["kind", "day"])
    op.create_table(
        "fact_categories",
        sa.Column("fact_id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("value", sa.String(32), nullable=False),
    )
    op.create_index("ix_fact_categories_name", "fact_categories", ["name", "value"])


def downgrade() -> None:
    op.drop_table("fact_categories")
    op.drop_table("enquiry_facts")
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("campaign")
