"""The certification timeline: each stage of the seat table (preliminary, final, appeals,
rulings, ratification) as a publisher entered it, sealed with the stage before it.

Revision ID: 0008
Revises: 0006 (0007 is another branch's; the two are chained in order when merged)
Create Date: 2026-12-07 16:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'certification_stages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('election_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('published_on', sa.String(length=10), nullable=False),
        sa.Column('source', sa.Text(), nullable=False),
        sa.Column('author', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.String(length=40), nullable=False),
        sa.Column('payload', sa.Text(), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('prev_digest', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['election_id'], ['elections.id'],
                                name=op.f('fk_certification_stages_election_id_elections')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_certification_stages')),
        sa.UniqueConstraint('election_id', 'number',
                            name=op.f('uq_certification_stages_election_id_number')),
    )


def downgrade() -> None:
    op.drop_table('certification_stages')
