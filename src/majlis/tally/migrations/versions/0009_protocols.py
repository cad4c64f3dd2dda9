"""Results protocols: each release's PDF per constituency (or national) and language, kept byte
for byte with its SHA-256 — produced once, never replaced; and the tally sheets' photos, kept by
their SHA-256, which each sheet version keyed from one carries.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 16:10:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
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
    op.create_table(
        'sheet_photos',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('election_id', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('media_type', sa.String(length=40), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['election_id'], ['elections.id'],
                                name=op.f('fk_sheet_photos_election_id_elections')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sheet_photos')),
        sa.UniqueConstraint('election_id', 'sha256',
                            name=op.f('uq_sheet_photos_election_id_sha256')),
    )
    with op.batch_alter_table('tally_sheets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('photo', sa.String(length=64), nullable=False,
                                      server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('tally_sheets', schema=None) as batch_op:
        batch_op.drop_column('photo')
    op.drop_table('sheet_photos')
    op.drop_index(op.f('ix_protocols_sha256'), table_name='protocols')
    op.drop_table('protocols')
