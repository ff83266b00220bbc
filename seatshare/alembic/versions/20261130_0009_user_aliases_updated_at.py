"""user_aliases.updated_at: a renamed alias is a newer calendar feed entry

A calendar feed entry names the alias a seat is for ("for Carla Guest");
its LAST-MODIFIED and SEQUENCE count every other name it shows, and now
the alias's too. Existing aliases take their creation time; the column
stays nullable so that adding it rebuilds no table on SQLite.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 11:05:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('user_aliases', sa.Column('updated_at', sa.DateTime(), nullable=True))
    op.execute('UPDATE user_aliases SET updated_at = created_at')


def downgrade():
    # A column without index or constraint: no table rebuild on SQLite.
    op.drop_column('user_aliases', 'updated_at')
