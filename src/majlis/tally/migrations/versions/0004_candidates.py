"""Candidates, and the votes each sheet gives them (open-list ballots).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 12:54:24.035309
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('candidates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('constituency_id', sa.Integer(), nullable=False),
    sa.Column('list_name', sa.String(length=300), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['constituency_id'], ['constituencies.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('constituency_id', 'list_name', 'name')
    )
    op.create_table('sheet_candidate_votes',
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('list_name', sa.String(length=300), nullable=False),
    sa.Column('candidate', sa.String(length=300), nullable=False),
    sa.Column('votes', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['sheet_id'], ['tally_sheets.id'], ),
    sa.PrimaryKeyConstraint('sheet_id', 'list_name', 'candidate')
    )


def downgrade() -> None:
    op.drop_table('sheet_candidate_votes')
    op.drop_table('candidates')
