"""Results protocols: each release's PDF per constituency (or national) and language, kept byte
for byte with its SHA-256 — produced once, never replaced.

Revision ID: 0009
Revises: 0006
Create Date: 2026-12-07 16:10:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'protocols',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('release_id', sa.Integer(), nullable=False),
        sa.Column('constituency', sa.String(length=200), nullable=False),
        sa.Column('lang', sa.String(length=8), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('pdf', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['release_id'], ['releases.id'],
                                name=op.f('fk_protocols_release_id_releases')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_protocols')),
        sa.UniqueConstraint('release_id', 'constituency', 'lang',
                            name=op.f('uq_protocols_release_id_constituency_lang')),
    )
    op.create_index(op.f('ix_protocols_sha256'), 'protocols', ['sha256'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_protocols_sha256'), table_name='protocols')
    op.drop_table('protocols')
