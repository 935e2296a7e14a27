"""secrecy and counting rules: keyed slip lookups, live step per table (at least 3),
turnout-only live view, certified figures, paper ballots voided by the tellers

Revision ID: a3c5e9f10b21
Revises: b7b17d324f50
Create Date: 2026-12-01 09:40:00.000000

The token rows held the plain SHA-256 of each slip's secret, which anyone holding a printed
slip can compute. They now hold a keyed hash of it (HMAC under SECRET_KEY), computed here
from what the old rows held; downgrading recomputes the plain hash from the nonce.
"""
import hashlib

from alembic import op
import sqlalchemy as sa
from flask import current_app


# revision identifiers, used by Alembic.
revision = 'a3c5e9f10b21'
down_revision = 'b7b17d324f50'
branch_labels = None
depends_on = None


def _keys():
    from ballot_app.signing import keys_for

    return keys_for(current_app.config["SECRET_KEY"])


def upgrade():
    conn = op.get_bind()
    conn.execute(sa.text("UPDATE meeting SET live_step = 3 WHERE live_step < 3"))
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_constraint('live_step_positive', type_='check')
        batch_op.create_check_constraint('live_step_at_least_three', 'live_step >= 3')
        batch_op.add_column(sa.Column('live_turnout_only', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('certified_result', sa.Text(), nullable=True))
    with op.batch_alter_table('live_view', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ballots_a', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('ballots_b', sa.Integer(), server_default='0', nullable=False))
    # A held view from before the per-table step may show a table below k: drop it, the
    # next read computes a fresh one by the new rule.
    conn.execute(sa.text("DELETE FROM live_view"))
    with op.batch_alter_table('paper_sheet', schema=None) as batch_op:
        batch_op.add_column(sa.Column('voided_reason', sa.Text(), server_default='', nullable=False))

    keys = _keys()
    rows = conn.execute(sa.text("SELECT id, secret_hash FROM token")).all()
    for token_id, digest in rows:
        conn.execute(
            sa.text("UPDATE token SET secret_hash = :h WHERE id = :id"),
            {"h": keys.lookup_of_digest(digest), "id": token_id},
        )


def downgrade():
    conn = op.get_bind()
    keys = _keys()
    rows = conn.execute(sa.text("SELECT id, meeting_id, nonce FROM token")).all()
    for token_id, meeting_id, nonce in rows:
        secret = keys.slip_secret(meeting_id, nonce)
        conn.execute(
            sa.text("UPDATE token SET secret_hash = :h WHERE id = :id"),
            {"h": hashlib.sha256(secret.encode()).hexdigest(), "id": token_id},
        )
    with op.batch_alter_table('paper_sheet', schema=None) as batch_op:
        batch_op.drop_column('voided_reason')
    with op.batch_alter_table('live_view', schema=None) as batch_op:
        batch_op.drop_column('ballots_b')
        batch_op.drop_column('ballots_a')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_column('certified_result')
        batch_op.drop_column('live_turnout_only')
        batch_op.drop_constraint('live_step_at_least_three', type_='check')
        batch_op.create_check_constraint('live_step_positive', 'live_step >= 1')
