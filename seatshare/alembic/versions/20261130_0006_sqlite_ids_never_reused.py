"""user_aliases, ticket_requests: ids never reused on SQLite (AUTOINCREMENT)

Ticket history names aliases (alias_id) and requests (request_id) that may
be deleted since; SQLite without AUTOINCREMENT gives the newest deleted id
to the next row, so an old entry would name someone else's alias or
request. PostgreSQL's sequences never go back: nothing changes there.

SQLite cannot add AUTOINCREMENT in place: each table is copied. The
copy's counter starts at its largest id, so the upgrade raises it to the
largest id the history names: an alias or request deleted before the
upgrade is not given again either. Dropping
user_aliases with foreign keys enforced would run tickets.alias_id's ON
DELETE SET NULL, so the tickets' aliases are put back after the copy.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 05:40:00.000000
"""
from alembic import op
import json

import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

TABLES = ('user_aliases', 'ticket_requests')
# The history's key naming each table's ids.
HISTORY_KEYS = {'user_aliases': 'alias_id', 'ticket_requests': 'request_id'}


def upgrade():
    rebuild(autoincrement=True)
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        return
    named = named_in_history(bind)
    for table in TABLES:
        highest = max(named[table], bind.execute(
            sa.text(f'SELECT coalesce(max(id), 0) FROM {table}')).scalar_one())
        bind.execute(sa.text('DELETE FROM sqlite_sequence WHERE name = :name'),
                     {'name': table})
        bind.execute(sa.text('INSERT INTO sqlite_sequence (name, seq) VALUES (:name, :seq)'),
                     {'name': table, 'seq': highest})


def named_in_history(bind):
    """The largest alias and request id each ticket's history names."""
    named = dict.fromkeys(TABLES, 0)
    for (changes,) in bind.execute(sa.text('SELECT changes FROM ticket_history')):
        changes = json.loads(changes) if isinstance(changes, str) else (changes or {})
        if not isinstance(changes, dict):
            continue
        for table, key in HISTORY_KEYS.items():
            value = changes.get(key)
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, int) and not isinstance(item, bool):
                    named[table] = max(named[table], item)
    return named


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
