"""The results centre's desk: each keyed entry's idempotency key, clerk and blank mark, beside the
chained sheet version it stored (the version carries the clerk as its author).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 12:50:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'desk_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('election_id', sa.Integer(), nullable=False),
        sa.Column('entry_key', sa.String(length=64), nullable=False),
        sa.Column('sheet_id', sa.Integer(), nullable=False),
        sa.Column('clerk', sa.String(length=200), nullable=False),
        sa.Column('blank', sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.ForeignKeyConstraint(['election_id'], ['elections.id'],
                                name=op.f('fk_desk_entries_election_id_elections')),
        sa.ForeignKeyConstraint(['sheet_id'], ['tally_sheets.id'],
                                name=op.f('fk_desk_entries_sheet_id_tally_sheets')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_desk_entries')),
        sa.UniqueConstraint('election_id', 'entry_key',
                            name=op.f('uq_desk_entries_election_id_entry_key')),
    )
    op.create_index(op.f('ix_desk_entries_sheet_id'), 'desk_entries', ['sheet_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_desk_entries_sheet_id'), table_name='desk_entries')
    op.drop_table('desk_entries')
