"""email_change_undos: the old address may undo an application's email change

An application with the write scope may change the account's email, and a
password-reset link then goes to the new address. The old address is mailed
a link that, for a while and once, puts it back and takes the account back.
The link's token is stored only as a hash. Existing accounts start with none.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 17:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'email_change_undos',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('restore_email', sa.String(length=254), nullable=False),
        sa.Column('changed_to', sa.String(length=254), nullable=False),
        sa.Column('application_name', sa.String(length=200), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('ended_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_email_change_undos_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_email_change_undos')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_email_change_undos_token_hash')),
    )
    op.create_index(op.f('ix_email_change_undos_user_id'), 'email_change_undos', ['user_id'],
                    unique=False)
    op.create_index('ix_email_change_undos_restore_email', 'email_change_undos',
                    ['restore_email'], unique=False)


def downgrade():
    op.drop_index('ix_email_change_undos_restore_email', table_name='email_change_undos')
    op.drop_index(op.f('ix_email_change_undos_user_id'), table_name='email_change_undos')
    op.drop_table('email_change_undos')
