"""tally indexes on mark rows

Mark rows carry their ballot's table (A/B) and, on form 6, meeting: the tally counts them
off one index per form.

Revision ID: d3d267d0919b
Revises: e1500cf60245
Create Date: 2026-11-24 18:49:12.466491

The column is added with a default and filled from each mark's ballot, so existing boxes
keep their counts; no table is rebuilt (SQLite keeps WITHOUT ROWID).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd3d267d0919b'
down_revision = 'e1500cf60245'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        'form5_mark',
        sa.Column(
            'category',
            sa.Enum('A', 'B', name='category', native_enum=False),
            nullable=False,
            server_default='B',
        ),
    )
    op.execute(
        "UPDATE form5_mark SET category = "
        "(SELECT ballot.category FROM ballot WHERE ballot.id = form5_mark.ballot_id)"
    )
    op.drop_index('ix_form5_mark_evaluee_id', table_name='form5_mark')
    op.create_index('ix_form5_mark_tally', 'form5_mark', ['evaluee_id', 'category', 'mark'])

    # Form 6: meeting (no foreign key: the ballot's removes the row) and table.
    op.add_column(
        'form6_mark', sa.Column('meeting_id', sa.Integer(), nullable=False, server_default='0')
    )
    op.add_column(
        'form6_mark',
        sa.Column(
            'category',
            sa.Enum('A', 'B', name='category', native_enum=False),
            nullable=False,
            server_default='B',
        ),
    )
    op.execute(
        "UPDATE form6_mark SET "
        "meeting_id = (SELECT ballot.meeting_id FROM ballot WHERE ballot.id = form6_mark.ballot_id), "
        "category = (SELECT ballot.category FROM ballot WHERE ballot.id = form6_mark.ballot_id)"
    )
    op.create_index(
        'ix_form6_mark_tally', 'form6_mark', ['meeting_id', 'item', 'category', 'mark']
    )


def downgrade():
    op.drop_index('ix_form6_mark_tally', table_name='form6_mark')
    with op.batch_alter_table('form6_mark') as batch_op:
        batch_op.drop_column('category')
        batch_op.drop_column('meeting_id')
    op.drop_index('ix_form5_mark_tally', table_name='form5_mark')
    op.create_index('ix_form5_mark_evaluee_id', 'form5_mark', ['evaluee_id'])
    with op.batch_alter_table('form5_mark') as batch_op:
        batch_op.drop_column('category')
