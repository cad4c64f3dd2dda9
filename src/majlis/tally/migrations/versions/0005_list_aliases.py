"""List aliases: the spellings a lists file's `alias` column registers, kept with the election
so that later ingests, corrections and the results service name each list one way.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 12:50:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'list_aliases',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('election_id', sa.Integer(), nullable=False),
        sa.Column('alias', sa.String(length=300), nullable=False),
        sa.Column('list_name', sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(['election_id'], ['elections.id'],
                                name=op.f('fk_list_aliases_election_id_elections')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_list_aliases')),
        sa.UniqueConstraint('election_id', 'alias', name=op.f('uq_list_aliases_election_id_alias')),
    )


def downgrade() -> None:
    op.drop_table('list_aliases')
