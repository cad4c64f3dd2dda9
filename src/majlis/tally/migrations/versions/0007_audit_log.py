"""The audit log (every write and sign-in: who, when, from where, what, how it ended), the
revoked tokens every worker refuses, and the failed sign-ins every worker counts.

Revision ID: 0007
Revises: 0008 (landed first; 0007 follows it)
Create Date: 2026-12-07 15:50:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'audit_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.String(length=40), nullable=False),
        sa.Column('election', sa.String(length=200), nullable=False),
        sa.Column('user_name', sa.String(length=200), nullable=False),
        sa.Column('role', sa.String(length=40), nullable=False),
        sa.Column('address', sa.String(length=100), nullable=False),
        sa.Column('action', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('subject', sa.Text(), nullable=False),
        sa.Column('outcome', sa.String(length=20), nullable=False),
        sa.Column('detail', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log')),
    )
    for column in ('at', 'user_name', 'address'):
        op.create_index(op.f(f'ix_audit_log_{column}'), 'audit_log', [column], unique=False)
    _append_only('audit_log')
    op.create_table(
        'token_revocations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_name', sa.String(length=200), nullable=False),
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('at', sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_token_revocations')),
    )
    op.create_index(op.f('ix_token_revocations_user_name'), 'token_revocations', ['user_name'],
                    unique=False)

    op.create_table(
        'sign_in_failures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=300), nullable=False),
        sa.Column('at', sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_failures')),
    )
    for column in ('key', 'at'):
        op.create_index(op.f(f'ix_sign_in_failures_{column}'), 'sign_in_failures', [column],
                        unique=False)


def _append_only(table: str) -> None:
    """The database itself refuses to change or remove a line: only INSERT is allowed."""
    message = f'{table} is append-only: its lines are never changed or removed'
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS "
                   f"$$ BEGIN RAISE EXCEPTION '{message}'; END $$")
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE "
                   f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only()")
        return
    for event in ('UPDATE', 'DELETE'):
        op.execute(f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                   f"BEGIN SELECT RAISE(ABORT, '{message}'); END")


def downgrade() -> None:
    for column in ('key', 'at'):
        op.drop_index(op.f(f'ix_sign_in_failures_{column}'), table_name='sign_in_failures')
    op.drop_table('sign_in_failures')
    op.drop_index(op.f('ix_token_revocations_user_name'), table_name='token_revocations')
    op.drop_table('token_revocations')
    for column in ('at', 'user_name', 'address'):
        op.drop_index(op.f(f'ix_audit_log_{column}'), table_name='audit_log')
    op.drop_table('audit_log')  # and its triggers
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP FUNCTION audit_log_append_only()")
