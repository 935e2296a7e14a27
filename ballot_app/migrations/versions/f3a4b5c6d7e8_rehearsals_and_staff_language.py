"""rehearsals (演练) as meetings of their own; each account's interface language

Revision ID: f3a4b5c6d7e8
Revises: e2f3a4b5c6d7
Create Date: 2026-12-01 19:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f3a4b5c6d7e8'
down_revision = 'e2f3a4b5c6d7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=8), server_default='zh', nullable=False))
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rehearsal_of_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_meeting_rehearsal_of_id'), ['rehearsal_of_id'], unique=True)
        batch_op.create_foreign_key(
            batch_op.f('fk_meeting_rehearsal_of_id_meeting'), 'meeting', ['rehearsal_of_id'], ['id'], ondelete='CASCADE'
        )


def downgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_meeting_rehearsal_of_id_meeting'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_meeting_rehearsal_of_id'))
        batch_op.drop_column('rehearsal_of_id')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('locale')
