"""entities: an index in GET /entities' order, names by code point

Lists sort text by code point on either database. The unique index on
entities.name is in the database's collation, which on PostgreSQL need not
be that order: the list needs (name COLLATE "C", id) to read a page without
sorting every entity. (On SQLite, whose text compares by code point, it is
the plain (name, id).)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 05:25:00.000000
"""
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_entities_name_code_point_id', 'entities', ['name', 'id'],
                    unique=False, postgresql_ops={'name': 'COLLATE "C"'})


def downgrade():
    op.drop_index('ix_entities_name_code_point_id', table_name='entities')
