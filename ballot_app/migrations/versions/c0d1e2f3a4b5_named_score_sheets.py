"""named score sheets (附件2、3、4), district leaders' oversight, the sheets' due date

Revision ID: c0d1e2f3a4b5
Revises: b9c0d1e2f3a4
Create Date: 2026-12-01 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from ballot_app.models.types import UtcDateTime


# revision identifiers, used by Alembic.
revision = 'c0d1e2f3a4b5'
down_revision = 'b9c0d1e2f3a4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sheets_due', sa.Date(), nullable=True))
    op.create_table(
        'leader',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('post', sa.String(length=120), nullable=False),
        sa.Column('is_top', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('position', sa.Integer(), server_default='0', nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('campaign_id', 'name'),
        sqlite_autoincrement=True,
    )
    op.create_table(
        'leader_unit',
        sa.Column('leader_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['leader_id'], ['leader.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('leader_id', 'unit_id'),
    )
    op.create_index('ix_leader_unit_unit_id', 'leader_unit', ['unit_id'])
    op.create_table(
        'score_sheet',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('ANNEX2', 'ANNEX2_PRINCIPALS', 'ANNEX3', 'ANNEX4', name='sheetkind', native_enum=False, length=20), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=True),
        sa.Column('rater_key', sa.String(length=40), nullable=False),
        sa.Column('rater_name', sa.String(length=120), nullable=False),
        sa.Column('rater_role', sa.String(length=32), nullable=False),
        sa.Column('state', sa.Enum('ISSUED', 'RETURNED', 'REOPENED', name='sheetstate', native_enum=False, length=16), nullable=False),
        sa.Column('link_version', sa.Integer(), server_default='1', nullable=False),
        sa.Column('link_nonce', sa.String(length=32), nullable=False),
        sa.Column('round', sa.Integer(), server_default='0', nullable=False),
        sa.Column('digest', sa.String(length=64), server_default='', nullable=False),
        sa.Column('returned_at', UtcDateTime(), nullable=True),
        sa.Column('returned_via', sa.String(length=8), server_default='', nullable=False),
        sa.Column('confirmed_by', sa.String(length=64), server_default='', nullable=False),
        sa.Column('reopen_reason', sa.String(length=200), server_default='', nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('campaign_id', 'kind', 'unit_id', 'rater_key'),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_score_sheet_unit_id', 'score_sheet', ['unit_id'])
    op.create_table(
        'score_row',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('sheet_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('unit_name', sa.String(length=120), nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('post', sa.String(length=120), nullable=False),
        sa.Column('portfolio', sa.String(length=255), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('score_tenths', sa.Integer(), nullable=True),
        sa.Column('remark', sa.String(length=200), server_default='', nullable=False),
        sa.CheckConstraint('score_tenths BETWEEN 0 AND 1000', name='score_from_0_to_100'),
        sa.ForeignKeyConstraint(['sheet_id'], ['score_sheet.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('sheet_id', 'member_id'),
    )
    op.create_index('ix_score_row_member_id', 'score_row', ['member_id'])


def downgrade():
    op.drop_index('ix_score_row_member_id', table_name='score_row')
    op.drop_table('score_row')
    op.drop_index('ix_score_sheet_unit_id', table_name='score_sheet')
    op.drop_table('score_sheet')
    op.drop_index('ix_leader_unit_unit_id', table_name='leader_unit')
    op.drop_table('leader_unit')
    op.drop_table('leader')
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_column('sheets_due')
