"""Running totals: the counted sheet of each station and the sums per constituency and list.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 12:40:55.682734
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('tallies',
    sa.Column('constituency', sa.String(length=200), nullable=False),
    sa.Column('voting_type', sa.String(length=40), nullable=False),
    sa.Column('list_name', sa.String(length=300), nullable=False),
    sa.Column('votes', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('constituency', 'voting_type', 'list_name')
    )
    op.create_table('counted',
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['sheet_id'], ['tally_sheets.id'], ),
    sa.ForeignKeyConstraint(['station_id'], ['polling_stations.id'], ),
    sa.PrimaryKeyConstraint('station_id')
    )


def downgrade() -> None:
    op.drop_table('counted')
    op.drop_table('tallies')
