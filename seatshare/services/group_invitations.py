"""Joining a group: its standing invitation code, single-use invitations
mailed by its administrators, and joining with either.

Who may invite, replace the code or withdraw an invitation is the
``__acl__`` of the context the view hangs on (resources/group_members.py).
"""
import base64
import hashlib
import hmac
import secrets

from sqlalchemy import delete, or_, select, update

from ..errors import APIError
from ..models import Group, GroupInvitation, GroupRemoval, Membership, Role, User, utcnow
from ..permissions import Permission
from ..schemas.types import DIGITS_RE, record_id
from ..tokens import derived_key, hash_token, tokens_equal
from ..web.ratelimit import INVITATION_LIMITS, SignInLimiter, invitation_keys
from .group_locks import lock_group
from .group_membership import role_in

UNKNOWN_CODE = "No group has this invitation code, or it was already used."
INVITATION_USED = "This invitation was already used: remove the member instead."
ALREADY_A_MEMBER = "Whoever has this address is already a member of the group."
TOO_MANY_INVITATIONS = "Too many invitations. Try again later."
REMOVED = "An administrator removed you from this group: ask one of them to invite you again."


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
    counts = limiter.counts(request.dbsession, keys)
    if counts.retry_after is not None:
        raise APIError(429, TOO_MANY_INVITATIONS,
                       headers={"Retry-After": str(counts.retry_after)})
    counts.record_failure(request.dbsession)


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
