"""Who a request is: the user, and for a bearer token, the token and its
scopes."""
import dataclasses

from sqlalchemy.orm import make_transient_to_detached

from ..models import User


class Identity:
    """Who the request is: ``user_id`` and, for a bearer token, its scopes.

    ``user`` is the ORM ``User``. A token's identity is read as one plain row
    (``load_token_identity``) and makes the ``User`` only when a view asks for
    it, from the same row and without another statement.
    """

    __slots__ = ("_user", "_user_row", "_dbsession", "user_id", "token", "scopes",
                 "principals")

    def __init__(self, user=None, token=None, scopes=frozenset(), *,
                 user_row=None, dbsession=None, principals=None):
        self._user = user
        self._user_row = user_row
        self._dbsession = dbsession
        self.user_id = user.id if user is not None else user_row.id
        self.token = token  # None for a signed-in browser session
        self.scopes = scopes
        # The membership principals, when read with the identity; None: the
        # security policy reads them when it needs them.
        self.principals = principals

    @property
    def user(self) -> User:
        if self._user is None:
            self._user = user_from_row(self._dbsession, self._user_row)
        return self._user

    @property
    def user_values(self):
        """The user's columns for reading: the plain row the identity was
        read as (no ORM object built), else the ORM ``User``."""
        return self._user_row if self._user_row is not None else self.user

    def __repr__(self):
        return f"<Identity user_id={self.user_id} scopes={sorted(self.scopes)}>"


@dataclasses.dataclass(frozen=True)
class TokenInfo:
    """The live token behind an identity."""

    id: int
    application_id: int


USER_COLUMNS = tuple(User.__table__.columns)


def user_from_row(dbsession, row) -> User:
    """The persistent ``User`` of a row holding all its columns, without SQL:
    the session's own instance when it already has one."""
    user = User(**{column.key: getattr(row, column.key) for column in USER_COLUMNS})
    make_transient_to_detached(user)
    return dbsession.merge(user, load=False)
