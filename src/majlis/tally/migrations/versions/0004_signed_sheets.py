"""Signed transmissions: counting devices registered with their Ed25519 public keys, each sheet's
signer and signature kept (and chained), and whether an election requires signatures.

Sheets stored before this revision keep an empty key id and signature: their chain hashes, made
without them, stay as they were (a signature enters the chain only when there is one).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 06:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'devices',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('election_id', sa.Integer(), nullable=False),
        sa.Column('key_id', sa.String(length=16), nullable=False),
        sa.Column('public_key', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['election_id'], ['elections.id'],
                                name=op.f('fk_devices_election_id_elections')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_devices')),
        sa.UniqueConstraint('election_id', 'key_id', name=op.f('uq_devices_election_id_key_id')),
    )
    with op.batch_alter_table('tally_sheets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key_id', sa.String(length=16), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('signature', sa.String(length=128), nullable=False,
                                      server_default=''))
    with op.batch_alter_table('elections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signatures_required', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('elections', schema=None) as batch_op:
        batch_op.drop_column('signatures_required')
    with op.batch_alter_table('tally_sheets', schema=None) as batch_op:
        batch_op.drop_column('signature')
        batch_op.drop_column('key_id')
    op.drop_table('devices')
