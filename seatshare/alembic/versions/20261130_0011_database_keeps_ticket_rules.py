"""tickets, memberships, ticket_history, ticket_requests: the database keeps the API's rules

The API refuses these with a 400 before anything is written; from now on the
database refuses them too, whatever writes to it (a script, a later bug):

- a ticket keeps at least one of section, row and seat non-blank
  (``ck_tickets_seat_not_blank``; blank is empty or spaces only);
- a ticket's alias is one of its assignee's, and a ticket without an
  assignee has none: a new column the database computes,
  ``tickets.alias_user_id`` (the assignee's id, 0 without an assignee, NULL
  without an alias), and a foreign key on ``(alias_id, alias_user_id)`` to
  ``user_aliases (id, user_id)``, checked at commit: deleting a user clears
  both through their own foreign keys, in an order of the database's (a
  CHECK, checked at once, refused that whenever the assignee went first;
  a foreign key on ``(alias_id, assignee_id)`` would not look at a ticket
  without an assignee);
- on SQLite, which has no enum types, a membership's role, a history
  entry's action and a request's status are one of their enum's values
  (PostgreSQL's enum types refuse any other already).

Before it changes anything, the upgrade reads the rows these would refuse.
A ticket whose alias is not its assignee's (or that has an alias and no
assignee) loses the alias, as changing a ticket's assignee does through the
API; the tickets are named in the log. Any other row at fault stops the
upgrade with a message naming it, having changed nothing (PostgreSQL
rolls the whole upgrade back; SQLite stays at 0010): fix those rows, then
run ``db upgrade`` again.

SQLite cannot add a constraint in place: tickets, memberships, ticket_history
and ticket_requests are copied (batch mode, foreign keys off, ``env.py``).
The copies of tickets and ticket_requests keep AUTOINCREMENT and their
counter (``sqlite_sequence``), so that no id deleted before the upgrade is
given again. PostgreSQL adds the constraints with ALTER TABLE.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 18:50:00.000000
"""
import logging

from alembic import op, util
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

log = logging.getLogger('alembic.runtime.migration')

SEAT_NOT_BLANK = "trim(section) <> '' OR trim(\"row\") <> '' OR trim(seat) <> ''"
ALIAS_OF_ASSIGNEE = 'fk_tickets_alias_id_alias_user_id_user_aliases'
ALIAS_USER_ID = 'CASE WHEN alias_id IS NULL THEN NULL ELSE coalesce(assignee_id, 0) END'
ALIAS_KEY = 'ix_user_aliases_id_user_id'
# SQLite only: each enum column, its CHECK's name and its values (as 0001
# created the types on PostgreSQL).
ENUMS = {
    'memberships': ('role', 'ck_memberships_membership_role', ('admin', 'member')),
    'ticket_history': ('action', 'ck_ticket_history_ticket_history_action',
                       ('created', 'updated', 'assigned', 'unassigned', 'requested',
                        'deleted')),
    'ticket_requests': ('status', 'ck_ticket_requests_ticket_request_status',
                        ('pending', 'accepted', 'declined', 'withdrawn')),
}
AUTOINCREMENT = ('tickets', 'ticket_requests')
# How many ids a message names before "and N more".
SHOWN = 20


def upgrade():
    bind = op.get_bind()
    sqlite = bind.dialect.name == 'sqlite'
    refuse_rows_at_fault(bind, sqlite)
    clear_aliases_of_others(bind)
    op.create_index(ALIAS_KEY, 'user_aliases', ['id', 'user_id'], unique=True)
    with keeping_sqlite_sequence(bind, 'tickets'):
        with op.batch_alter_table('tickets', table_kwargs=table_kwargs('tickets')) as batch:
            batch.create_check_constraint(op.f('ck_tickets_seat_not_blank'),
                                          sa.text(SEAT_NOT_BLANK))
            batch.add_column(sa.Column('alias_user_id', sa.Integer(),
                                       sa.Computed(ALIAS_USER_ID, persisted=True)))
            batch.create_foreign_key(op.f(ALIAS_OF_ASSIGNEE), 'user_aliases',
                                     ['alias_id', 'alias_user_id'], ['id', 'user_id'],
                                     deferrable=True, initially='DEFERRED')
    if not sqlite:
        return
    for table, (column, name, values) in ENUMS.items():
        with keeping_sqlite_sequence(bind, table):
            with op.batch_alter_table(table, table_kwargs=table_kwargs(table)) as batch:
                batch.create_check_constraint(op.f(name), sa.column(column).in_(values))


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        for table, (_column, name, _values) in ENUMS.items():
            with keeping_sqlite_sequence(bind, table):
                with op.batch_alter_table(table, table_kwargs=table_kwargs(table)) as batch:
                    batch.drop_constraint(op.f(name), type_='check')
    with keeping_sqlite_sequence(bind, 'tickets'):
        with op.batch_alter_table('tickets', table_kwargs=table_kwargs('tickets')) as batch:
            batch.drop_constraint(op.f(ALIAS_OF_ASSIGNEE), type_='foreignkey')
            batch.drop_column('alias_user_id')
            batch.drop_constraint(op.f('ck_tickets_seat_not_blank'), type_='check')
    op.drop_index(ALIAS_KEY, table_name='user_aliases')


def table_kwargs(table):
    return {'sqlite_autoincrement': True} if table in AUTOINCREMENT else {}


def refuse_rows_at_fault(bind, sqlite):
    """Stop, naming them, at rows no fix here can be sure of."""
    faults = []
    blank = ids(bind, f'SELECT id FROM tickets WHERE NOT ({SEAT_NOT_BLANK}) ORDER BY id')
    if blank:
        faults.append(f'tickets {named(blank)} have a blank section, row and seat: '
                      'give each a section, row or seat')
    if sqlite:
        for table, (column, _name, values) in ENUMS.items():
            allowed = ', '.join(f"'{value}'" for value in values)
            wrong = ids(bind, f'SELECT id FROM {table} WHERE {column} NOT IN ({allowed})'
                              ' ORDER BY id')
            if wrong:
                faults.append(f'{table} {named(wrong)} have a {column} other than {allowed}')
    if faults:
        raise util.CommandError(
            'migration 0011 changed nothing: ' + '; '.join(faults)
            + '; fix these rows, then upgrade again')


def clear_aliases_of_others(bind):
    """A ticket's alias that is not its assignee's loses it, as changing a
    ticket's assignee through the API does; logged."""
    at_fault = ids(bind, (
        'SELECT id FROM tickets WHERE alias_id IS NOT NULL AND (assignee_id IS NULL'
        ' OR NOT EXISTS (SELECT 1 FROM user_aliases WHERE user_aliases.id = tickets.alias_id'
        ' AND user_aliases.user_id = tickets.assignee_id)) ORDER BY id'))
    if not at_fault:
        return
    # Chunks keep each statement within SQLite's limit on parameters.
    for start in range(0, len(at_fault), 500):
        bind.execute(sa.text('UPDATE tickets SET alias_id = NULL WHERE id IN :ids').bindparams(
            sa.bindparam('ids', expanding=True)), {'ids': at_fault[start:start + 500]})
    log.warning('migration 0011: tickets %s had an alias that is not their assignee\'s: '
                'their alias is cleared', named(at_fault))


def ids(bind, query):
    return bind.execute(sa.text(query)).scalars().all()


def named(row_ids):
    shown = ', '.join(str(row_id) for row_id in row_ids[:SHOWN])
    more = len(row_ids) - SHOWN
    return f'{shown} and {more} more' if more > 0 else shown


class keeping_sqlite_sequence:
    """On SQLite, a table copied with AUTOINCREMENT starts its counter at its
    largest id copied: the one before the copy is put back, so that an id
    deleted before the upgrade is never given again."""

    def __init__(self, bind, table):
        self.bind, self.table = bind, table
        self.seq = None

    def __enter__(self):
        if self.bind.dialect.name == 'sqlite' and self.table in AUTOINCREMENT:
            self.seq = self.bind.execute(sa.text(
                'SELECT seq FROM sqlite_sequence WHERE name = :name'),
                {'name': self.table}).scalar()
        return self

    def __exit__(self, exc_type, exc, traceback):
        if exc_type is not None or self.seq is None:
            return
        params = {'name': self.table, 'seq': self.seq}
        updated = self.bind.execute(sa.text(
            'UPDATE sqlite_sequence SET seq = max(seq, :seq) WHERE name = :name'), params)
        if not updated.rowcount:
            self.bind.execute(sa.text(
                'INSERT INTO sqlite_sequence (name, seq) VALUES (:name, :seq)'), params)
