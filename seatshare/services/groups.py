"""Running a group: create it, join it, invite to it, change roles, leave it.

The rules that need the database live here; who may do each is the
``__acl__`` of the context the view hangs on (resources/group_members.py).
"""
import base64
import hashlib
import hmac
import secrets

from sqlalchemy import Select, bindparam, delete, func, or_, select, update

from ..errors import APIError
from ..mail import mail_group_deactivated
from ..models import (
    Entity,
    Group,
    GroupInvitation,
    GroupRemoval,
    HistoryAction,
    Membership,
    Role,
    Ticket,
    User,
    on_postgresql,
    utcnow,
)
from ..permissions import Permission
from ..recheck import recheck_permission
from ..schemas.types import DIGITS_RE, record_id
from ..tokens import derived_key, hash_token, tokens_equal
from ..web.ratelimit import INVITATION_LIMITS, SignInLimiter, invitation_keys
from .history import action_for, diff, record_ticket_changes, snapshot
from .pending_requests import tell_requesters_of_deleted, withdraw_requests_of_leaver
from .ticket_parties import GoneTicketsMail, tell_other_parties

UNKNOWN_CODE = "No group has this invitation code, or it was already used."
INVITATION_USED = "This invitation was already used: remove the member instead."
ALREADY_A_MEMBER = "Whoever has this address is already a member of the group."
TOO_MANY_INVITATIONS = "Too many invitations. Try again later."
REMOVED = "An administrator removed you from this group: ask one of them to invite you again."
LAST_ADMIN = "A group needs at least one administrator: promote another member first."
ONLY_MEMBER = (
    "A group needs at least one administrator, and you are its only member: "
    "delete the group instead."
)


def new_invitation_code() -> str:
    """A single-use invitation's code: 128 bits in 26 lower-case base32
    characters (``a-z``, ``2-7``), so that it may be typed in any case
    (``invitation_code_hashes``)."""
    return base64.b32encode(secrets.token_bytes(16)).decode("ascii").rstrip("=").lower()


def invitation_code_hashes(code: str) -> set[str]:
    """The hashes an invitation matching ``code`` may be stored under: its
    own, and its lower-case one's (codes are made lower case; those made
    before were mixed-case base64, and match only as sent)."""
    return {hash_token(code), hash_token(code.lower())}


STANDING_CODE_PURPOSE = b"seatshare group standing invitation codes"


def standing_code(settings, group: Group) -> str:
    """A group's standing invitation code, ``<group id>-<MAC>``: a MAC of
    the id and the group's ``invitation_code_generation`` (128 bits) under
    a key derived from ``seatshare.session_secret``. Administrators see it
    every time, so it cannot be stored as a hash only; it is not stored at
    all, but made again when shown or used. Replacing the secret replaces
    every group's code; replacing one group's code adds one to its
    generation. Generation 0 MACs the id alone: the codes groups had before
    codes could be replaced still work."""
    key = derived_key(settings, STANDING_CODE_PURPOSE)
    generation = group.invitation_code_generation
    message = f"{group.id}.{generation}" if generation else str(group.id)
    mac = hmac.new(key, message.encode("ascii"), hashlib.sha256).digest()[:16]
    return f"{group.id}-{base64.urlsafe_b64encode(mac).decode('ascii').rstrip('=')}"


def standing_code_group_id(code: str) -> int | None:
    """The id of the group ``code`` would be the standing code of, or None;
    whether it is (``standing_code``) needs the group."""
    head, _, _ = code.partition("-")
    try:
        return record_id(head) if DIGITS_RE.match(head) else None
    except KeyError:  # no record can have that id
        return None


def active_group_of_standing_code(dbsession, settings, code: str) -> Group | None:
    """The active group whose standing code is ``code``, or None."""
    group_id = standing_code_group_id(code)
    group = None if group_id is None else dbsession.scalar(
        select(Group).where(Group.id == group_id, Group.active.is_(True))
    )
    # In any case: people type codes, and phones capitalize. A MAC of 128
    # bits compared without case still has some 115.
    if group is None or not tokens_equal(standing_code(settings, group).lower(), code.lower()):
        return None
    return group


def replace_standing_code(request, context) -> Group:
    """Give the group of ``context`` a new standing code; the old one stops
    working (a 404 at ``POST /groups/join``). Under the group's lock, so the
    generation read is the latest and two replacements give two codes."""
    group = context.group
    lock_group(request, context, Permission.EDIT, group.id)
    group.invitation_code_generation = Group.invitation_code_generation + 1
    request.dbsession.flush()  # the new value is read back when next shown
    return group


def create_group(dbsession, creator_id: int, name: str, entity_id: int) -> Group:
    """A new active group following ``entity_id``; its creator is its
    administrator. An entity that does not exist is a field error (400)."""
    if dbsession.get(Entity, entity_id) is None:
        raise APIError(400, fields={"entity_id": "is not a known entity"})
    group = Group(name=name, entity_id=entity_id, creator_id=creator_id)
    dbsession.add(group)
    dbsession.flush()
    dbsession.add(Membership(group_id=group.id, user_id=creator_id, role=Role.ADMIN))
    dbsession.flush()
    return group


def invite(dbsession, group: Group, email: str, inviter_id: int):
    """A single-use invitation to ``email``: ``(invitation, code)``. Only
    the code's hash is stored; the plain code goes out by mail, once."""
    code = new_invitation_code()
    invitation = GroupInvitation(
        group_id=group.id, email=email, code_hash=hash_token(code), inviter_id=inviter_id
    )
    dbsession.add(invitation)
    dbsession.flush()
    return invitation, code


def refuse_inviting_a_member(dbsession, group_id: int, email: str) -> None:
    """409 when ``email`` is a member's address: their code would do nothing
    but fill their mailbox (and count against the administrator's limit).
    Nothing is told that the members' list does not."""
    member = dbsession.scalar(
        select(Membership.id)
        .join(User, User.id == Membership.user_id)
        .where(Membership.group_id == group_id, User.email == email)
    )
    if member is not None:
        raise APIError(409, ALREADY_A_MEMBER)


def count_invitation(request, inviter_id: int, email: str) -> None:
    """Count an invitation against its sender and its address; past
    ``seatshare.invitation_max`` in the window for either, a 429 with
    Retry-After that counts nothing. An invitation mails words its sender
    chose (the group's name, their own) to any address, Reply-To them:
    unlimited, anyone could send mail through SeatShare to every address
    they have, or flood one mailbox."""
    limiter = SignInLimiter.from_settings(request.registry.settings, INVITATION_LIMITS)
    keys = invitation_keys(inviter_id, email)
    wait = limiter.retry_after(request.dbsession, keys)
    if wait is not None:
        raise APIError(429, TOO_MANY_INVITATIONS, headers={"Retry-After": str(wait)})
    limiter.record_failure(request.dbsession, keys)


def join_group(dbsession, settings, user_id: int, code: str):
    """Join the active group whose standing code, or one of whose unused
    invitations, is ``code``: ``(group, role)``. A member who joins again
    keeps their role, and an invitation is not spent on them; nor is it a
    404 for the member who spent it (a join sent again, its answer lost).
    An unknown or spent code is a 404. A member an administrator removed comes back
    only with an invitation made since (the standing code, or an invitation
    from before the removal, is a 403), which ends the removal."""
    group = active_group_of_standing_code(dbsession, settings, code)
    invitation_id = invited_at = used_at = None
    if group is None:
        row = dbsession.execute(
            select(GroupInvitation.id, GroupInvitation.created_at, GroupInvitation.used_at, Group)
            .join(Group, Group.id == GroupInvitation.group_id)
            .where(
                GroupInvitation.code_hash.in_(invitation_code_hashes(code)),
                or_(GroupInvitation.used_at.is_(None), GroupInvitation.used_by_id == user_id),
                Group.active.is_(True),
            )
        ).first()
        if row is None:
            raise APIError(404, UNKNOWN_CODE)
        invitation_id, invited_at, used_at, group = row
    role = role_in(dbsession, group.id, user_id)
    if role is not None:
        return group, role
    if used_at is not None:  # spent by this user, who has left since
        raise APIError(404, UNKNOWN_CODE)
    removal = dbsession.execute(
        select(GroupRemoval.id, GroupRemoval.created_at).where(
            GroupRemoval.group_id == group.id, GroupRemoval.user_id == user_id
        )
    ).first()
    # An invitation the member kept from before the removal (they joined
    # with the standing code instead, say) does not undo it.
    if removal is not None and (invited_at is None or invited_at < removal.created_at):
        raise APIError(403, REMOVED)
    if invitation_id is not None:
        if not spend_invitation(dbsession, invitation_id, user_id):
            # Spent meanwhile: by this user's own join sent twice at once
            # (a double tap), whose membership is committed by now, they
            # are a member joining again.
            role = role_in(dbsession, group.id, user_id)
            if role is not None:
                return group, role
            raise APIError(404, UNKNOWN_CODE)
        if removal is not None:
            dbsession.execute(delete(GroupRemoval).where(GroupRemoval.id == removal.id))
    dbsession.add(Membership(group_id=group.id, user_id=user_id, role=Role.MEMBER))
    dbsession.flush()
    return group, Role.MEMBER


def role_in(dbsession, group_id: int, user_id: int) -> Role | None:
    """``user_id``'s role in group ``group_id``, or None."""
    return dbsession.scalar(
        select(Membership.role).where(
            Membership.group_id == group_id, Membership.user_id == user_id
        )
    )


def withdraw_invitation(request, context) -> None:
    """Delete ``context``'s invitation while it is unused: its code is then
    a 404, as any unknown one. One already used is a 409 (it records who
    joined with it); of a withdrawal and a join racing, one wins."""
    invitation = context.invitation
    lock_group(request, context, Permission.DELETE, invitation.group_id)
    result = request.dbsession.execute(
        delete(GroupInvitation)
        .where(GroupInvitation.id == invitation.id, GroupInvitation.used_at.is_(None))
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise APIError(409, INVITATION_USED)


def spend_invitation(dbsession, invitation_id: int, user_id: int) -> bool:
    """Mark the invitation used, if it still is not: of two joins racing
    with one code, exactly one sees a row change."""
    result = dbsession.execute(
        update(GroupInvitation)
        .where(GroupInvitation.id == invitation_id, GroupInvitation.used_at.is_(None))
        .values(used_at=utcnow(), used_by_id=user_id)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def lock_group_of_ticket(dbsession, ticket_id: int) -> None:
    """A key-share lock on the ticket's group, for a request about to lock
    the ticket itself.

    Every ticket write takes its locks in one order, the group's and then
    the ticket's, as a member's removal does (``lock_membership``: an update
    lock on the group, then the member's tickets); the history entry's
    foreign key would otherwise take the group's key-share lock after the
    ticket's, and a write and a removal could deadlock. Key-share locks do
    not block each other: writers of one group's tickets wait only for a
    removal of a member. PostgreSQL only: SQLite runs one writing
    transaction at a time.
    """
    if on_postgresql(dbsession):
        dbsession.execute(_SHARE_LOCK_GROUP_OF_TICKET, {"ticket_id": ticket_id})


def share_lock_group(dbsession, group_id) -> None:
    """A key-share lock on group ``group_id``, or on each group a SELECT of
    group ids names, before a ticket write, as ``lock_group_of_ticket``;
    PostgreSQL only."""
    if not on_postgresql(dbsession):
        return
    if isinstance(group_id, Select):
        condition = Group.id.in_(group_id)
    else:
        condition = Group.id == group_id
    dbsession.execute(_share_lock(condition))


def _share_lock(condition):
    return (
        select(Group.id).where(condition).order_by(Group.id)
        .with_for_update(read=True, key_share=True)
    )


# Built once, as every ticket write on PostgreSQL sends it: building it and
# its cache key cost more than sending it.
_SHARE_LOCK_GROUP_OF_TICKET = _share_lock(
    Group.id == select(Ticket.group_id).where(Ticket.id == bindparam("ticket_id"))
    .scalar_subquery()
)


def lock_group(request, context, permission, group_id: int) -> None:
    """Lock group ``group_id`` for a change to it or to its memberships,
    then check ``permission`` on ``context`` again under the lock
    (``recheck_permission``: a group deactivated meanwhile is a 404, a
    caller removed or demoted meanwhile a 403).

    Such changes within one group run one after the other (a row lock on
    PostgreSQL; SQLite's transactions take the write lock up front), so two
    administrators demoting each other at once cannot leave it with none,
    and the second of two deactivations at once finds the group gone. The
    ACL let the request in on the principals its token read before the
    lock: an administrator being removed could otherwise rename, deactivate
    or invite as the removal committed.
    """
    request.dbsession.execute(select(Group.id).where(Group.id == group_id).with_for_update())
    recheck_permission(request, context, permission, group_id)


def lock_membership(request, context, permission) -> Membership:
    """Lock the group of ``context``'s membership (``lock_group``) and read
    the membership again: one removed meanwhile is a 404."""
    membership = context.membership
    lock_group(request, context, permission, membership.group_id)
    current = request.dbsession.scalar(
        select(Membership)
        .where(Membership.id == membership.id)
        .execution_options(populate_existing=True)
    )
    if current is None:
        raise APIError(404)
    return current


def keep_an_administrator(dbsession, membership: Membership) -> None:
    """409 when ``membership`` is its group's last administrator; when it
    is the only member too, nobody can be promoted, and the message says
    to deactivate the group instead."""
    if membership.role != Role.ADMIN:
        return
    members, admins = dbsession.execute(
        select(func.count(), func.count().filter(Membership.role == Role.ADMIN)).where(
            Membership.group_id == membership.group_id
        )
    ).one()
    if admins <= 1:
        raise APIError(409, ONLY_MEMBER if members == 1 else LAST_ADMIN)


def set_role(request, context, role: Role) -> Membership:
    """Give ``context``'s member ``role``."""
    dbsession = request.dbsession
    membership = lock_membership(request, context, Permission.EDIT)
    if role != membership.role:
        keep_an_administrator(dbsession, membership)
        membership.role = role
        dbsession.flush()
    return membership


def remove_member(request, context) -> None:
    """The member leaves (or is removed) and keeps nothing in the group:
    tickets assigned to them are unassigned, tickets they own are deleted
    (each with a history entry), their pending requests are withdrawn.
    Each other member is mailed once of all it does to them: the tickets
    they held that are deleted, theirs that are unassigned, those they
    asked for that are deleted, theirs whose requests are withdrawn. A
    removal by someone else is remembered (``GroupRemoval``), and mailed
    to the member removed, with the tickets they owned."""
    dbsession = request.dbsession
    actor_id = request.identity.user_id
    membership = lock_membership(request, context, Permission.LEAVE)
    keep_an_administrator(dbsession, membership)
    group_id, user_id = membership.group_id, membership.user_id
    tickets = dbsession.scalars(
        select(Ticket).where(
            Ticket.group_id == group_id,
            or_(Ticket.owner_id == user_id, Ticket.assignee_id == user_id),
        )
    ).all()
    # Each member hears once of all it does to them.
    mail = GoneTicketsMail(request, user_id, group_id, actor_id, left_group=True)
    withdraw_requests_of_leaver(mail, group_id, user_id)
    tell_requesters_of_deleted(mail, [t.id for t in tickets if t.owner_id == user_id])
    tell_other_parties(mail, tickets)
    mail.send()
    history = []
    for ticket in tickets:
        if ticket.owner_id == user_id:
            history.append((ticket, actor_id, HistoryAction.DELETED, snapshot(ticket)))
            dbsession.delete(ticket)
        else:
            before = snapshot(ticket)
            ticket.assignee_id = None
            ticket.alias_id = None
            changed = diff(before, snapshot(ticket))
            history.append((ticket, actor_id, action_for(changed), changed))
    record_ticket_changes(dbsession, history)
    dbsession.delete(membership)
    if actor_id != user_id:
        dbsession.add(GroupRemoval(group_id=group_id, user_id=user_id, removed_by_id=actor_id))
    dbsession.flush()


def deactivate_group(request, context) -> None:
    """The group leaves every list and stops making its members mutual
    members; each member but the administrator who did it is mailed once,
    the members read in one statement under the group's lock."""
    group = context.group
    lock_group(request, context, Permission.DELETE, group.id)
    group.active = False
    request.dbsession.flush()
    admin = request.identity.user
    for member in request.dbsession.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.group_id == group.id, User.id != admin.id)
        .order_by(User.id)
    ):
        mail_group_deactivated(request, member, admin, group)
