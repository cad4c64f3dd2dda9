"""The tally store's first tables: registry, append-only sheet versions, the chain head.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 12:33:40.646926
"""

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('chain_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('constituencies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('lists',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('constituency_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['constituency_id'], ['constituencies.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('constituency_id', 'name')
    )
    op.create_table('polling_centres',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('constituency_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['constituency_id'], ['constituencies.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('constituency_id', 'code')
    )
    op.create_table('polling_stations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=100), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('voting_type', sa.String(length=40), nullable=False),
    sa.Column('registered', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['polling_centres.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_table('tally_sheets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station', sa.String(length=100), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=40), nullable=False),
    sa.Column('received_at', sa.String(length=40), nullable=False),
    sa.Column('received_by', sa.String(length=200), nullable=False),
    sa.Column('ballots_received', sa.Integer(), nullable=False),
    sa.Column('cast', sa.Integer(), nullable=False),
    sa.Column('valid', sa.Integer(), nullable=False),
    sa.Column('invalid', sa.Integer(), nullable=False),
    sa.Column('spoiled', sa.Integer(), nullable=False),
    sa.Column('unused', sa.Integer(), nullable=False),
    sa.Column('failures', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('author', sa.String(length=200), nullable=False),
    sa.Column('figures_hash', sa.String(length=64), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['station_id'], ['polling_stations.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('hash'),
    sa.UniqueConstraint('station', 'source', 'version')
    )
    with op.batch_alter_table('tally_sheets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tally_sheets_station'), ['station'], unique=False)
        batch_op.create_index(batch_op.f('ix_tally_sheets_station_id'), ['station_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tally_sheets_status'), ['status'], unique=False)

    op.create_table('sheet_votes',
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('list_name', sa.String(length=300), nullable=False),
    sa.Column('votes', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['sheet_id'], ['tally_sheets.id'], ),
    sa.PrimaryKeyConstraint('sheet_id', 'list_name')
    )


def downgrade() -> None:
    op.drop_table('sheet_votes')
    with op.batch_alter_table('tally_sheets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tally_sheets_status'))
        batch_op.drop_index(batch_op.f('ix_tally_sheets_station_id'))
        batch_op.drop_index(batch_op.f('ix_tally_sheets_station'))

    op.drop_table('tally_sheets')
    op.drop_table('polling_stations')
    op.drop_table('polling_centres')
    op.drop_table('lists')
    op.drop_table('constituencies')
    op.drop_table('chain_head')
