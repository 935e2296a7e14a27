"""accounts, throttles and the audit chain: session versions, first-login password change,
shared failed-try counters, a digest per audit event

Revision ID: e7f9a2b4c6d8
Revises: d5e8a1b2c3f4
Create Date: 2026-12-01 10:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7f9a2b4c6d8'
down_revision = 'd5e8a1b2c3f4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('digest', sa.String(length=64), server_default='', nullable=False))
    op.create_table('throttle',
    sa.Column('key', sa.String(length=160), nullable=False),
    sa.Column('tries', sa.Integer(), nullable=False),
    sa.Column('window_started', sa.Float(), nullable=False),
    sa.Column('blocked_until', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_throttle'))
    )


def downgrade():
    op.drop_table('throttle')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_column('digest')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
        batch_op.drop_column('session_version')
