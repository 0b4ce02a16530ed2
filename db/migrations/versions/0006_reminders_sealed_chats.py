"""Reminders before a deadline; chat ids sealed at rest (cases and outbox).

Existing cases' chat ids are sealed with the chat key, which ``db.migrate.upgrade`` hands over
(it is kept outside the database); the plaintext column is then dropped. Pending outbox rows to
migrants get the sealed id and a lane number in place of the chat id.

Revision ID: 0006
Revises: 0005
"""

import hashlib

import sqlalchemy as sa
from alembic import context, op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _sealer():
    sealer = context.config.attributes.get("chat_sealer")
    if sealer is None:
        raise RuntimeError("this migration seals chat ids: run it through 'python -m bot migrate', which "
                           "hands over the chat key (CHAT_KEY or DATA_DIR/chat.key)")
    return sealer


def upgrade() -> None:
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("user_key", sa.String(64), nullable=False),
        sa.Column("chat_sealed", sa.String(96), nullable=False),
        sa.Column("lang", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("flow", sa.String(32), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(32), nullable=True),
    )
    op.create_index("ix_reminders_user_key", "reminders", ["user_key"])
    op.create_index("ix_reminders_due_at", "reminders", ["due_at"])
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("chat_sealed", sa.String(96), nullable=True))
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("chat_sealed", sa.String(96), nullable=True))

    conn = op.get_bind()
    cases = sa.table("cases", sa.column("id", sa.Integer()), sa.column("chat_id", sa.BigInteger()),
                     sa.column("user_key", sa.String()), sa.column("chat_sealed", sa.String()))
    outbox = sa.table("outbox", sa.column("id", sa.Integer()), sa.column("chat_id", sa.BigInteger()),
                      sa.column("case_id", sa.Integer()), sa.column("status", sa.String()),
                      sa.column("chat_sealed", sa.String()))
    rows = list(conn.execute(sa.select(cases.c.id, cases.c.chat_id, cases.c.user_key)
                             .where(cases.c.chat_id.is_not(None))))
    if rows:
        sealer = _sealer()
        for case_id, chat_id, user_key in rows:
            sealed = sealer.seal(int(chat_id))
            conn.execute(sa.update(cases).where(cases.c.id == case_id).values(chat_sealed=sealed))
            lane = int.from_bytes(hashlib.sha256(user_key.encode()).digest()[:6], "big") if user_key else 0
            conn.execute(sa.update(outbox).where(outbox.c.case_id == case_id, outbox.c.chat_id == chat_id)
                         .values(chat_id=lane, chat_sealed=sealed))
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("chat_id")


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("chat_id", sa.BigInteger(), nullable=True))
    conn = op.get_bind()
    cases = sa.table("cases", sa.column("id", sa.Integer()), sa.column("chat_id", sa.BigInteger()),
                     sa.column("chat_sealed", sa.String()))
    rows = list(conn.execute(sa.select(cases.c.id, cases.c.chat_sealed).where(cases.c.chat_sealed.is_not(None))))
    if rows:
        sealer = _sealer()
        for case_id, sealed in rows:
            conn.execute(sa.update(cases).where(cases.c.id == case_id).values(chat_id=sealer.open(sealed)))
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("chat_sealed")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("chat_sealed")
    op.drop_table("reminders")
