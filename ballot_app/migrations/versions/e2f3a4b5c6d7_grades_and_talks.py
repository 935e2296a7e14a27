"""grades (考核定等): recorded composites and proposals, decided grades, sign-off; 诫勉谈话;
the groups' interview suggestions (考察谈话)

Revision ID: e2f3a4b5c6d7
Revises: d1e2f3a4b5c6
Create Date: 2026-12-01 17:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

from ballot_app.models.types import UtcDateTime


# revision identifiers, used by Alembic.
revision = 'e2f3a4b5c6d7'
down_revision = 'd1e2f3a4b5c6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.add_column(sa.Column('grades_signed_at', UtcDateTime(), nullable=True))
        batch_op.add_column(sa.Column('grades_signed_by', sa.String(length=64), server_default='', nullable=False))
    op.create_table(
        'grade_record',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('unit_name', sa.String(length=120), nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('post', sa.String(length=120), nullable=False),
        sa.Column('role', sa.String(length=16), nullable=False),
        sa.Column('composite', sa.String(length=12), nullable=False),
        sa.Column('components', sa.Text(), nullable=False),
        sa.Column('inputs_digest', sa.String(length=64), nullable=False),
        sa.Column('rules_digest', sa.String(length=64), nullable=False),
        sa.Column('proposed', sa.String(length=24), nullable=False),
        sa.Column('needs_study', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('reasons', sa.Text(), nullable=False),
        sa.Column('decided', sa.String(length=24), nullable=False),
        sa.Column('decision_reason', sa.String(length=500), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('campaign_id', 'member_id'),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_grade_record_member_id', 'grade_record', ['member_id'])
    op.create_index('ix_grade_record_unit_id', 'grade_record', ['unit_id'])
    op.create_table(
        'talk',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('grade_id', sa.Integer(), nullable=True),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('unit_name', sa.String(length=120), nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('post', sa.String(length=120), nullable=False),
        sa.Column('grade', sa.String(length=24), nullable=False),
        sa.Column('held_on', sa.Date(), nullable=True),
        sa.Column('talked_by', sa.String(length=120), nullable=False),
        sa.Column('notes', sa.Text(), nullable=False),
        sa.Column('is_done', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(['grade_id'], ['grade_record.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('grade_id'),
        sqlite_autoincrement=True,
    )


    op.create_table(
        'interview',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('excellent', sa.Integer(), nullable=False),
        sa.Column('competent', sa.Integer(), nullable=False),
        sa.Column('basically_competent', sa.Integer(), nullable=False),
        sa.Column('incompetent', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['member_id'], ['member.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('campaign_id', 'member_id'),
    )
    op.create_index('ix_interview_member_id', 'interview', ['member_id'])


def downgrade():
    op.drop_index('ix_interview_member_id', table_name='interview')
    op.drop_table('interview')
    op.drop_table('talk')
    op.drop_index('ix_grade_record_unit_id', table_name='grade_record')
    op.drop_index('ix_grade_record_member_id', table_name='grade_record')
    op.drop_table('grade_record')
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_column('grades_signed_by')
        batch_op.drop_column('grades_signed_at')
