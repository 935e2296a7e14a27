"""the year's assessment: a campaign's state and dates, the groups' order and members at the
close in annex 1, a grassroots party organisation's parent unit, and how an imported roster
line was placed (兼任, the rule's phrase)

Revision ID: a8b9c0d1e2f3
Revises: e7f9a2b4c6d8
Create Date: 2026-12-01 13:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a8b9c0d1e2f3'
down_revision = 'e7f9a2b4c6d8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state', sa.Enum('PREPARING', 'RUNNING', 'CLOSED', name='campaignstate', native_enum=False, length=16), server_default='PREPARING', nullable=False))
        batch_op.add_column(sa.Column('meetings_from', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('meetings_to', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('roster_due', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('annex8_due', sa.Date(), nullable=True))
    with op.batch_alter_table('group', schema=None) as batch_op:
        batch_op.add_column(sa.Column('position', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('members_at_close', sa.Text(), nullable=True))
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parent_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_unit_parent_id_unit'), 'unit', ['parent_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_concurrent', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('placed_by', sa.String(length=120), server_default='', nullable=False))
    # A campaign that already holds meetings is running.
    op.execute(
        "UPDATE campaign SET state = 'RUNNING' WHERE id IN "
        "(SELECT unit.campaign_id FROM unit JOIN meeting ON meeting.unit_id = unit.id)"
    )


def downgrade():
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.drop_column('placed_by')
        batch_op.drop_column('is_concurrent')
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_unit_parent_id_unit'), type_='foreignkey')
        batch_op.drop_column('parent_id')
    with op.batch_alter_table('group', schema=None) as batch_op:
        batch_op.drop_column('members_at_close')
        batch_op.drop_column('position')
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_column('annex8_due')
        batch_op.drop_column('roster_due')
        batch_op.drop_column('meetings_to')
        batch_op.drop_column('meetings_from')
        batch_op.drop_column('state')
