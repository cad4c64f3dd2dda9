"""Releases chained: each records the digest of the release before it and the sheet chain's head
and length when it was made; each election keeps its last release's digest. Running totals are
64-bit.

Releases made before this revision keep their digest (of the payload alone) and no chain fields:
`verify-chain` reports them as from before the release chain. Each election's release head is
set to its last release's digest, so the first chained release follows it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 10:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

GENESIS = '0' * 64


def upgrade() -> None:
    with op.batch_alter_table('tallies', schema=None) as batch_op:
        batch_op.alter_column('votes', existing_type=sa.Integer(), type_=sa.BigInteger(),
                              existing_nullable=False)
    with op.batch_alter_table('releases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prev_digest', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('sheet_head', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('sheets', sa.Integer(), nullable=True))
    with op.batch_alter_table('elections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('release_head', sa.String(length=64), nullable=False,
                                      server_default=GENESIS))
    op.execute(
        "UPDATE elections SET release_head = (SELECT r.digest FROM releases r "
        "WHERE r.election_id = elections.id ORDER BY r.number DESC LIMIT 1) "
        "WHERE EXISTS (SELECT 1 FROM releases r WHERE r.election_id = elections.id)")


def downgrade() -> None:
    with op.batch_alter_table('elections', schema=None) as batch_op:
        batch_op.drop_column('release_head')
    with op.batch_alter_table('releases', schema=None) as batch_op:
        batch_op.drop_column('sheets')
        batch_op.drop_column('sheet_head')
        batch_op.drop_column('prev_digest')
    with op.batch_alter_table('tallies', schema=None) as batch_op:
        batch_op.alter_column('votes', existing_type=sa.BigInteger(), type_=sa.Integer(),
                              existing_nullable=False)
