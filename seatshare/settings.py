"""Settings: the ini file's values, with secrets and the database URL
overridable from the environment so that no secret need sit in an ini file.
"""
import os

# environment variable → setting it overrides
ENVIRONMENT_OVERRIDES = {
    "SEATSHARE_DATABASE_URL": "sqlalchemy.url",
    "SEATSHARE_SESSION_SECRET": "seatshare.session_secret",
    "SEATSHARE_CALENDAR_SECRET": "seatshare.calendar_secret",
    "SEATSHARE_MAIL_PASSWORD": "mail.password",
}

DEFAULTS = {
    "seatshare.access_token_lifetime": "7200",
    "seatshare.refresh_token_lifetime": "2592000",
    "seatshare.authorization_code_lifetime": "600",
    "seatshare.token_endpoint_allow_get": "true",
    "seatshare.max_body_bytes": "65536",
    "seatshare.signin_max_failures": "5",
    "seatshare.signin_window_seconds": "900",
    "seatshare.password_hash_fast": "false",
    "seatshare.db_connect_timeout": "2",
    "seatshare.db_prepared_statements": "true",
    "seatshare.session_secure": "false",
    "retry.attempts": "3",
    "mail.mailer": "smtp",
}


def apply_environment(settings: dict, environ=os.environ) -> dict:
    merged = {**DEFAULTS, **settings}
    for variable, key in ENVIRONMENT_OVERRIDES.items():
        if environ.get(variable):
            merged[key] = environ[variable]
    return merged


def as_bool(value) -> bool:
    return str(value).strip().lower() in {"1", "true", "yes", "on"}
