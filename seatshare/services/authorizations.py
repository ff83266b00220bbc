"""Revoking an application's access to a user's account."""
from sqlalchemy import delete, update

from ..models import Approval, AuthorizationCode, Token, utcnow
from ..oauth.issued import lock_tokens_of


def revoke_authorization(dbsession, user_id: int, application_id: int) -> None:
    """Revoke every token of the application for the user, forget the
    approvals and spend the codes not yet exchanged: the API's
    ``DELETE /authorizations/ID`` and the connected-apps page's Disconnect.
    A refresh or code exchange in progress commits its new token first
    (``lock_tokens_of``), which is then revoked with the others."""
    lock_tokens_of(dbsession, user_id)
    dbsession.execute(
        update(Token)
        .where(
            Token.user_id == user_id,
            Token.application_id == application_id,
            Token.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    for model in (Approval, AuthorizationCode):
        dbsession.execute(
            delete(model)
            .where(model.user_id == user_id, model.application_id == application_id)
            .execution_options(synchronize_session=False)
        )
