"""Revoking an application's access to a user's account."""
from sqlalchemy import and_, delete, update

from ..models import Approval, AuthorizationCode, Token, utcnow
from ..oauth.issued import lock_tokens_of


def revoke_authorization(dbsession, user_id: int, application_id: int | None = None) -> None:
    """Revoke every token of the application for the user, forget the
    approvals and spend the codes not yet exchanged: the API's
    ``DELETE /authorizations/ID`` and the connected-apps page's Disconnect;
    with no ``application_id``, of every application (a password reset).
    A refresh or code exchange in progress commits its new token first
    (``lock_tokens_of``), which is then revoked with the others."""
    lock_tokens_of(dbsession, user_id)

    def granted(model):
        if application_id is None:
            return model.user_id == user_id
        return and_(model.user_id == user_id, model.application_id == application_id)

    dbsession.execute(
        update(Token)
        .where(granted(Token), Token.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    for model in (Approval, AuthorizationCode):
        dbsession.execute(
            delete(model)
            .where(granted(model))
            .execution_options(synchronize_session=False)
        )
