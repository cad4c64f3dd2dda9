"""The desk's complaints and audits: each step of a case — a complaint filed, an audit asked for,
approved or declined, a case upheld or dismissed — a row of its own with its author, reason and
time, never changed (append-only); a case's state is its last step.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 18:45:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'desk_cases',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('election_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('station', sa.String(length=100), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('step', sa.String(length=20), nullable=False),
        sa.Column('author', sa.String(length=200), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('at', sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(['election_id'], ['elections.id'],
                                name=op.f('fk_desk_cases_election_id_elections')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_desk_cases')),
    )
    op.create_index(op.f('ix_desk_cases_election_id'), 'desk_cases', ['election_id'],
                    unique=False)
    op.create_index(op.f('ix_desk_cases_station'), 'desk_cases', ['station'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_desk_cases_station'), table_name='desk_cases')
    op.drop_index(op.f('ix_desk_cases_election_id'), table_name='desk_cases')
    op.drop_table('desk_cases')
