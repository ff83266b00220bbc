"""user_aliases, ticket_requests: ids never reused on SQLite (AUTOINCREMENT)

Ticket history names aliases (alias_id) and requests (request_id) that may
be deleted since; SQLite without AUTOINCREMENT gives the newest deleted id
to the next row, so an old entry would name someone else's alias or
request. PostgreSQL's sequences never go back: nothing changes there.

SQLite cannot add AUTOINCREMENT in place: each table is copied. Dropping
user_aliases with foreign keys enforced would run tickets.alias_id's ON
DELETE SET NULL, so the tickets' aliases are put back after the copy.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 05:40:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

TABLES = ('user_aliases', 'ticket_requests')


def upgrade():
    rebuild(autoincrement=True)


def downgrade():
    rebuild(autoincrement=False)


def rebuild(autoincrement):
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        return
    aliases = bind.execute(sa.text(
        'SELECT id, alias_id FROM tickets WHERE alias_id IS NOT NULL')).all()
    for table in TABLES:
        with op.batch_alter_table(table, recreate='always',
                                  table_kwargs={'sqlite_autoincrement': autoincrement}):
            pass
    if aliases:
        bind.execute(sa.text('UPDATE tickets SET alias_id = :alias_id WHERE id = :id'),
                     [{'id': id, 'alias_id': alias_id} for id, alias_id in aliases])
