"""The tally store: elections, the registry, append-only sheet versions and their hash chain,
running totals, releases.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 13:00:01.139151
"""

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('chain_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chain_head'))
    )
    op.create_table('elections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_elections')),
    sa.UniqueConstraint('name', name=op.f('uq_elections_name'))
    )
    op.create_table('constituencies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['election_id'], ['elections.id'], name=op.f('fk_constituencies_election_id_elections')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_constituencies')),
    sa.UniqueConstraint('election_id', 'name', name=op.f('uq_constituencies_election_id_name'))
    )
    op.create_table('releases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.String(length=40), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['election_id'], ['elections.id'], name=op.f('fk_releases_election_id_elections')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_releases')),
    sa.UniqueConstraint('election_id', 'number', name=op.f('uq_releases_election_id_number'))
    )
    op.create_table('tallies',
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('constituency', sa.String(length=200), nullable=False),
    sa.Column('voting_type', sa.String(length=40), nullable=False),
    sa.Column('list_name', sa.String(length=300), nullable=False),
    sa.Column('votes', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['election_id'], ['elections.id'], name=op.f('fk_tallies_election_id_elections')),
    sa.PrimaryKeyConstraint('election_id', 'constituency', 'voting_type', 'list_name', name=op.f('pk_tallies'))
    )
    op.create_table('candidates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('constituency_id', sa.Integer(), nullable=False),
    sa.Column('list_name', sa.String(length=300), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['constituency_id'], ['constituencies.id'], name=op.f('fk_candidates_constituency_id_constituencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidates')),
    sa.UniqueConstraint('constituency_id', 'list_name', 'name', name=op.f('uq_candidates_constituency_id_list_name_name'))
    )
    op.create_table('lists',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('constituency_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['constituency_id'], ['constituencies.id'], name=op.f('fk_lists_constituency_id_constituencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lists')),
    sa.UniqueConstraint('constituency_id', 'name', name=op.f('uq_lists_constituency_id_name'))
    )
    op.create_table('polling_centres',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('constituency_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['constituency_id'], ['constituencies.id'], name=op.f('fk_polling_centres_constituency_id_constituencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_polling_centres')),
    sa.UniqueConstraint('constituency_id', 'code', name=op.f('uq_polling_centres_constituency_id_code'))
    )
    op.create_table('polling_stations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=100), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('voting_type', sa.String(length=40), nullable=False),
    sa.Column('registered', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['polling_centres.id'], name=op.f('fk_polling_stations_centre_id_polling_centres')),
    sa.ForeignKeyConstraint(['election_id'], ['elections.id'], name=op.f('fk_polling_stations_election_id_elections')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_polling_stations')),
    sa.UniqueConstraint('election_id', 'code', name=op.f('uq_polling_stations_election_id_code'))
    )
    op.create_table('tally_sheets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('station', sa.String(length=100), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=40), nullable=False),
    sa.Column('received_at', sa.String(length=40), nullable=False),
    sa.Column('received_by', sa.String(length=200), nullable=False),
    sa.Column('ballots_received', sa.Integer(), nullable=False),
    sa.Column('cast', sa.Integer(), nullable=False),
    sa.Column('valid', sa.Integer(), nullable=False),
    sa.Column('invalid', sa.Integer(), nullable=False),
    sa.Column('spoiled', sa.Integer(), nullable=False),
    sa.Column('unused', sa.Integer(), nullable=False),
    sa.Column('failures', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('author', sa.String(length=200), nullable=False),
    sa.Column('figures_hash', sa.String(length=64), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['election_id'], ['elections.id'], name=op.f('fk_tally_sheets_election_id_elections')),
    sa.ForeignKeyConstraint(['station_id'], ['polling_stations.id'], name=op.f('fk_tally_sheets_station_id_polling_stations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tally_sheets')),
    sa.UniqueConstraint('election_id', 'station', 'source', 'version', name=op.f('uq_tally_sheets_election_id_station_source_version')),
    sa.UniqueConstraint('hash', name=op.f('uq_tally_sheets_hash'))
    )
    with op.batch_alter_table('tally_sheets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tally_sheets_election_id'), ['election_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tally_sheets_station'), ['station'], unique=False)
        batch_op.create_index(batch_op.f('ix_tally_sheets_station_id'), ['station_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tally_sheets_status'), ['status'], unique=False)

    op.create_table('counted',
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['sheet_id'], ['tally_sheets.id'], name=op.f('fk_counted_sheet_id_tally_sheets')),
    sa.ForeignKeyConstraint(['station_id'], ['polling_stations.id'], name=op.f('fk_counted_station_id_polling_stations')),
    sa.PrimaryKeyConstraint('station_id', name=op.f('pk_counted'))
    )
    op.create_table('sheet_candidate_votes',
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('list_name', sa.String(length=300), nullable=False),
    sa.Column('candidate', sa.String(length=300), nullable=False),
    sa.Column('votes', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['sheet_id'], ['tally_sheets.id'], name=op.f('fk_sheet_candidate_votes_sheet_id_tally_sheets')),
    sa.PrimaryKeyConstraint('sheet_id', 'list_name', 'candidate', name=op.f('pk_sheet_candidate_votes'))
    )
    op.create_table('sheet_votes',
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('list_name', sa.String(length=300), nullable=False),
    sa.Column('votes', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['sheet_id'], ['tally_sheets.id'], name=op.f('fk_sheet_votes_sheet_id_tally_sheets')),
    sa.PrimaryKeyConstraint('sheet_id', 'list_name', name=op.f('pk_sheet_votes'))
    )


def downgrade() -> None:
    op.drop_table('sheet_votes')
    op.drop_table('sheet_candidate_votes')
    op.drop_table('counted')
    with op.batch_alter_table('tally_sheets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tally_sheets_status'))
        batch_op.drop_index(batch_op.f('ix_tally_sheets_station_id'))
        batch_op.drop_index(batch_op.f('ix_tally_sheets_station'))
        batch_op.drop_index(batch_op.f('ix_tally_sheets_election_id'))

    op.drop_table('tally_sheets')
    op.drop_table('polling_stations')
    op.drop_table('polling_centres')
    op.drop_table('lists')
    op.drop_table('candidates')
    op.drop_table('tallies')
    op.drop_table('releases')
    op.drop_table('constituencies')
    op.drop_table('elections')
    op.drop_table('chain_head')
