"""initial schema

Generated from the models, then reviewed: enums are named types on
PostgreSQL (plain strings on SQLite), every foreign key says what happens
on delete, and every filter the API names has an index.

Revision ID: 0001
Revises:
Create Date: 2026-11-29 09:22:30.794189
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('entities',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_entities')),
        sa.UniqueConstraint('name', name=op.f('uq_entities_name'))
    )
    op.create_table('oauth_applications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('client_id', sa.String(length=64), nullable=False),
        sa.Column('client_secret_hash', sa.String(length=64), nullable=True),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('redirect_uris', sa.JSON(), nullable=False),
        sa.Column('confidential', sa.Boolean(), nullable=False),
        sa.Column('trusted', sa.Boolean(), nullable=False),
        sa.Column('disabled', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_oauth_applications')),
        sa.UniqueConstraint('client_id', name=op.f('uq_oauth_applications_client_id'))
    )
    op.create_table('sign_in_attempts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=300), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_attempts'))
    )
    op.create_index('ix_sign_in_attempts_key_created_at', 'sign_in_attempts', ['key', 'created_at'])
    op.create_table('users',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('password_hash', sa.String(length=255), nullable=True),
        sa.Column('first_name', sa.String(length=100), nullable=False),
        sa.Column('last_name', sa.String(length=100), nullable=False),
        sa.Column('timezone', sa.String(length=64), nullable=False),
        sa.Column('bio', sa.Text(), nullable=False),
        sa.Column('location', sa.String(length=200), nullable=False),
        sa.Column('mobile', sa.String(length=32), nullable=False),
        sa.Column('sms_notify', sa.Boolean(), nullable=False),
        sa.Column('calendar_nonce', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
        sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('entity_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('start_time', sa.DateTime(), nullable=False),
        sa.Column('date_tba', sa.Boolean(), nullable=False),
        sa.Column('time_tba', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_events_entity_id_entities'), ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_events')),
        sa.UniqueConstraint('entity_id', 'key', name='uq_events_entity_id_key')
    )
    op.create_index('ix_events_entity_id_start_time', 'events', ['entity_id', 'start_time', 'id'])
    op.create_index('ix_events_start_time_id', 'events', ['start_time', 'id'])
    op.create_table('groups',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('entity_id', sa.Integer(), nullable=False),
        sa.Column('creator_id', sa.Integer(), nullable=True),
        sa.Column('invitation_code', sa.String(length=64), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['creator_id'], ['users.id'], name=op.f('fk_groups_creator_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_groups_entity_id_entities'), ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_groups')),
        sa.UniqueConstraint('invitation_code', name=op.f('uq_groups_invitation_code'))
    )
    op.create_index('ix_groups_entity_id', 'groups', ['entity_id'])
    op.create_table('oauth_approvals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('scopes', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['application_id'], ['oauth_applications.id'], name=op.f('fk_oauth_approvals_application_id_oauth_applications'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_oauth_approvals_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_oauth_approvals')),
        sa.UniqueConstraint('user_id', 'application_id', 'scopes', name='uq_oauth_approvals_user_id_application_id_scopes')
    )
    op.create_index(op.f('ix_oauth_approvals_application_id'), 'oauth_approvals', ['application_id'])
    op.create_table('oauth_authorization_codes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('redirect_uri', sa.Text(), nullable=False),
        sa.Column('scopes', sa.String(length=200), nullable=False),
        sa.Column('code_challenge', sa.String(length=128), nullable=True),
        sa.Column('code_challenge_method', sa.String(length=10), nullable=True),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['application_id'], ['oauth_applications.id'], name=op.f('fk_oauth_authorization_codes_application_id_oauth_applications'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_oauth_authorization_codes_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_oauth_authorization_codes')),
        sa.UniqueConstraint('code_hash', name=op.f('uq_oauth_authorization_codes_code_hash'))
    )
    op.create_index(op.f('ix_oauth_authorization_codes_application_id'), 'oauth_authorization_codes', ['application_id'])
    op.create_index('ix_oauth_authorization_codes_expires_at', 'oauth_authorization_codes', ['expires_at'])
    op.create_index(op.f('ix_oauth_authorization_codes_user_id'), 'oauth_authorization_codes', ['user_id'])
    op.create_table('user_aliases',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('first_name', sa.String(length=100), nullable=False),
        sa.Column('last_name', sa.String(length=100), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_aliases_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_user_aliases'))
    )
    op.create_index(op.f('ix_user_aliases_user_id'), 'user_aliases', ['user_id'])
    op.create_table('group_invitations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('inviter_id', sa.Integer(), nullable=True),
        sa.Column('used_by_id', sa.Integer(), nullable=True),
        sa.Column('used_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_group_invitations_group_id_groups'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['inviter_id'], ['users.id'], name=op.f('fk_group_invitations_inviter_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['used_by_id'], ['users.id'], name=op.f('fk_group_invitations_used_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_group_invitations')),
        sa.UniqueConstraint('code_hash', name=op.f('uq_group_invitations_code_hash'))
    )
    op.create_index(op.f('ix_group_invitations_group_id'), 'group_invitations', ['group_id'])
    op.create_table('memberships',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.Enum('admin', 'member', name='membership_role'), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_memberships_group_id_groups'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_memberships_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_memberships')),
        sa.UniqueConstraint('group_id', 'user_id', name='uq_memberships_group_id_user_id')
    )
    op.create_index('ix_memberships_user_id_group_id', 'memberships', ['user_id', 'group_id'])
    op.create_table('oauth_tokens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('access_token_hash', sa.String(length=64), nullable=False),
        sa.Column('refresh_token_hash', sa.String(length=64), nullable=True),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('scopes', sa.String(length=200), nullable=False),
        sa.Column('family', sa.String(length=32), nullable=False),
        sa.Column('authorization_code_id', sa.Integer(), nullable=True),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('refresh_expires_at', sa.DateTime(), nullable=True),
        sa.Column('refresh_used_at', sa.DateTime(), nullable=True),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['application_id'], ['oauth_applications.id'], name=op.f('fk_oauth_tokens_application_id_oauth_applications'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['authorization_code_id'], ['oauth_authorization_codes.id'], name=op.f('fk_oauth_tokens_authorization_code_id_oauth_authorization_codes'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_oauth_tokens_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_oauth_tokens')),
        sa.UniqueConstraint('access_token_hash', name=op.f('uq_oauth_tokens_access_token_hash')),
        sa.UniqueConstraint('refresh_token_hash', name=op.f('uq_oauth_tokens_refresh_token_hash'))
    )
    op.create_index(op.f('ix_oauth_tokens_application_id'), 'oauth_tokens', ['application_id'])
    op.create_index('ix_oauth_tokens_authorization_code_id', 'oauth_tokens', ['authorization_code_id'])
    op.create_index('ix_oauth_tokens_expires_at', 'oauth_tokens', ['expires_at'])
    op.create_index('ix_oauth_tokens_family', 'oauth_tokens', ['family'])
    op.create_index('ix_oauth_tokens_user_id_application_id', 'oauth_tokens', ['user_id', 'application_id'])
    op.create_table('ticket_history',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('action', sa.Enum('created', 'updated', 'assigned', 'unassigned', 'requested', 'deleted', name='ticket_history_action'), nullable=False),
        sa.Column('changes', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_ticket_history_actor_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_ticket_history_group_id_groups'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_history'))
    )
    op.create_index(op.f('ix_ticket_history_actor_id'), 'ticket_history', ['actor_id'])
    op.create_index(op.f('ix_ticket_history_group_id'), 'ticket_history', ['group_id'])
    op.create_index('ix_ticket_history_ticket_id_id', 'ticket_history', ['ticket_id', 'id'])
    op.create_table('tickets',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('assignee_id', sa.Integer(), nullable=True),
        sa.Column('alias_id', sa.Integer(), nullable=True),
        sa.Column('section', sa.String(length=50), nullable=False),
        sa.Column('row', sa.String(length=50), nullable=False),
        sa.Column('seat', sa.String(length=50), nullable=False),
        sa.Column('cost', sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('cost >= 0', name=op.f('ck_tickets_cost_not_negative')),
        sa.ForeignKeyConstraint(['alias_id'], ['user_aliases.id'], name=op.f('fk_tickets_alias_id_user_aliases'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_tickets_assignee_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_tickets_event_id_events'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_tickets_group_id_groups'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_tickets_owner_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tickets')),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_tickets_alias_id', 'tickets', ['alias_id'])
    op.create_index('ix_tickets_assignee_id_event_id', 'tickets', ['assignee_id', 'event_id'])
    op.create_index('ix_tickets_event_id', 'tickets', ['event_id'])
    op.create_index('ix_tickets_group_id_event_id', 'tickets', ['group_id', 'event_id'])
    op.create_index('ix_tickets_owner_id_event_id', 'tickets', ['owner_id', 'event_id'])
    op.create_table('ticket_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('requester_id', sa.Integer(), nullable=False),
        sa.Column('message', sa.Text(), nullable=False),
        sa.Column('status', sa.Enum('pending', 'accepted', 'declined', 'withdrawn', name='ticket_request_status'), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['requester_id'], ['users.id'], name=op.f('fk_ticket_requests_requester_id_users'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_requests_ticket_id_tickets'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_requests'))
    )
    op.create_index('ix_ticket_requests_requester_id', 'ticket_requests', ['requester_id'])
    op.create_index('ix_ticket_requests_ticket_id_status', 'ticket_requests', ['ticket_id', 'status'])


def downgrade():
    op.drop_table('ticket_requests')
    op.drop_table('tickets')
    op.drop_table('ticket_history')
    op.drop_table('oauth_tokens')
    op.drop_table('memberships')
    op.drop_table('group_invitations')
    op.drop_table('user_aliases')
    op.drop_table('oauth_authorization_codes')
    op.drop_table('oauth_approvals')
    op.drop_table('groups')
    op.drop_table('events')
    op.drop_table('users')
    op.drop_table('sign_in_attempts')
    op.drop_table('oauth_applications')
    op.drop_table('entities')
    # drop_table leaves PostgreSQL's named enum types behind.
    sa.Enum(name='membership_role').drop(op.get_bind(), checkfirst=True)
    sa.Enum(name='ticket_history_action').drop(op.get_bind(), checkfirst=True)
    sa.Enum(name='ticket_request_status').drop(op.get_bind(), checkfirst=True)
