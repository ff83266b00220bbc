"""The code exchange's statements, built once (Core on the tables, bound
parameters): the exchange is the busiest OAuth request."""
from sqlalchemy import bindparam, insert, select, update

from ..models import AuthorizationCode, Token

_codes, _tokens = AuthorizationCode.__table__, Token.__table__
CONSUME_CODE = (
    update(_codes)
    .where(_codes.c.id == bindparam("code_id"), _codes.c.used_at.is_(None))
    .values(used_at=bindparam("now"))
)
INSERT_TOKEN = insert(_tokens).inline()  # no RETURNING: nothing reads the id
# Where the database can (PostgreSQL: an UPDATE in a WITH clause), the code
# is consumed and its token stored by one statement: the token row exists
# only if this exchange is the one that consumed the code. Its parameters
# are ``new_<column>``: a parameter named like a column would also be taken
# as a value for that column by the UPDATE.
_ISSUED_VALUES = ("access_token_hash", "refresh_token_hash", "application_id", "user_id",
                  "scopes", "family", "created_at", "expires_at", "refresh_expires_at")
_consumed = CONSUME_CODE.returning(_codes.c.id).cte("consumed")
CONSUME_CODE_AND_INSERT_TOKEN = insert(_tokens).from_select(
    [*_ISSUED_VALUES, "authorization_code_id"],
    select(
        *(bindparam(f"new_{name}", type_=_tokens.c[name].type) for name in _ISSUED_VALUES),
        _consumed.c.id,
    ).select_from(_consumed),
).returning(_tokens.c.id)  # no row: the code was consumed already
