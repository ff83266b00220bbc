"""Settings: the ini file's values, with secrets and the database URL
overridable from the environment so that no secret need sit in an ini file
(and the allowed hosts, which differ from one deployment to the next).
"""
import os
from functools import partial

from pyramid.exceptions import ConfigurationError
from sqlalchemy.exc import ArgumentError

# environment variable → setting it overrides
ENVIRONMENT_OVERRIDES = {
    "SEATSHARE_DATABASE_URL": "sqlalchemy.url",
    "SEATSHARE_SESSION_SECRET": "seatshare.session_secret",
    "SEATSHARE_CALENDAR_SECRET": "seatshare.calendar_secret",
    "SEATSHARE_MAIL_PASSWORD": "mail.password",
    "SEATSHARE_ALLOWED_HOSTS": "seatshare.allowed_hosts",
}

DEFAULTS = {
    "seatshare.access_token_lifetime": "7200",
    "seatshare.refresh_token_lifetime": "2592000",
    "seatshare.authorization_code_lifetime": "600",
    "seatshare.email_undo_lifetime": "604800",
    "seatshare.token_endpoint_allow_get": "true",
    "seatshare.max_body_bytes": "65536",
    "seatshare.signin_max_failures": "5",
    "seatshare.signin_window_seconds": "900",
    "seatshare.invitation_max": "20",
    "seatshare.invitation_window_seconds": "86400",
    "seatshare.password_hash_fast": "false",
    "seatshare.db_connect_timeout": "2",
    "seatshare.db_statement_timeout": "10",
    "seatshare.db_prepared_statements": "true",
    "seatshare.session_secure": "false",
    "seatshare.session_max_age": "43200",
    "seatshare.device_cookie_max_age": "31536000",
    "seatshare.hsts_max_age": "0",
    "retry.attempts": "3",
    "mail.mailer": "smtp",
    "mail.queue_send_interval": "5",
}


# The settings key where ``apply_environment`` records which environment
# variable gave which setting: ``{"sqlalchemy.url": "SEATSHARE_DATABASE_URL"}``.
FROM_ENVIRONMENT = "seatshare.from_environment"


def apply_environment(settings: dict, environ=os.environ) -> dict:
    """``settings`` with the defaults beneath and the environment's
    overrides above; the one place that decides which setting, the ini
    file's or a variable, each value comes from (``FROM_ENVIRONMENT``).
    Applied again (to settings already applied), it keeps what the first
    environment gave."""
    merged = {**DEFAULTS, **settings}
    given = dict(settings.get(FROM_ENVIRONMENT) or {})
    for variable, key in ENVIRONMENT_OVERRIDES.items():
        if environ.get(variable):
            merged[key] = environ[variable]
            given[key] = variable
    merged[FROM_ENVIRONMENT] = given
    return merged


def url_variable(settings: dict) -> str | None:
    """The environment variable that gave the database URL, as
    ``apply_environment`` decided (None: the ini file's ``sqlalchemy.url``)."""
    return (settings.get(FROM_ENVIRONMENT) or {}).get("sqlalchemy.url")


def database_setting(settings: dict, config_file: str | None = None) -> str:
    """The setting that gave the database URL: ``SEATSHARE_DATABASE_URL``,
    or ``sqlalchemy.url in FILE``."""
    where = f" in {config_file}" if config_file else ""
    return url_variable(settings) or f"sqlalchemy.url{where}"


def database_named(settings: dict, config_file: str | None = None) -> str:
    """Which setting named the database, for a message that must not repeat
    its URL (it may hold a password): ``SEATSHARE_DATABASE_URL``, or the ini
    file's ``sqlalchemy.url``, saying the variable is unset (as it is where
    it was never passed on: under cron, say)."""
    unset = "" if url_variable(settings) else ", SEATSHARE_DATABASE_URL being unset"
    return f"the database {database_setting(settings, config_file)} names{unset}"


# The secrets and the variables that set them. A secret anyone can read
# signs anyone's session cookie (so signs them in as any user) or calendar
# URL: the placeholders production.ini ships with ("set-…") and the secrets
# development.ini publishes, which an HTTPS deployment must not keep.
SECRETS = {
    "seatshare.session_secret": "SEATSHARE_SESSION_SECRET",
    "seatshare.calendar_secret": "SEATSHARE_CALENDAR_SECRET",
}
PUBLISHED_SECRETS = frozenset({"dev-session-secret-change-me", "dev-calendar-secret-change-me"})
MIN_SECRET_LENGTH = 16


def is_placeholder(value) -> bool:
    """production.ini's ``set-VARIABLE``: a value still to be given, in that
    environment variable; the server refuses to start with one."""
    return str(value or "").strip().startswith("set-")


def check_secret(settings: dict, key: str) -> None:
    """Refuse to start with the secret ``key`` missing, a placeholder,
    short, or (once cookies are HTTPS-only, as in production) published."""
    variable = SECRETS[key]
    value = str(settings.get(key) or "").strip()
    if not value or is_placeholder(value):
        problem = "is not set"
    elif len(value) < MIN_SECRET_LENGTH:
        problem = f"is shorter than {MIN_SECRET_LENGTH} characters"
    elif value in PUBLISHED_SECRETS and as_bool(settings.get("seatshare.session_secure")):
        problem = "is development.ini's, which anyone can read"
    else:
        return
    raise ConfigurationError(
        f"{key} {problem}: set {variable} to a long random value, such as "
        "the output of: python -c 'import secrets; print(secrets.token_hex(32))'"
    )


# The longest duration a setting may give: a century. Beyond it a date
# computed from now leaves the calendar Python and the databases keep.
MAX_SECONDS = 100 * 365 * 24 * 3600


def whole_number(settings, key: str, *, unit: str | None, zero_means: str | None = None,
                 maximum: int = MAX_SECONDS) -> int:
    """A setting that is a whole number of ``unit`` (seconds, bytes...), in
    ASCII digits: positive, or also 0 when ``zero_means`` says what 0 does,
    and at most ``maximum``. Anything else refuses to start, naming the
    setting, rather than start and answer 500 on every request that reads it."""
    value = str(settings[key]).strip()
    if (not (value.isascii() and value.isdigit()) or int(value) > maximum
            or (int(value) == 0 and zero_means is None)):
        kind = f"a number of {unit} (0: {zero_means})" if zero_means else (
            f"a positive number of {unit}" if unit else "a positive whole number")
        raise ConfigurationError(f"{key} must be {kind}, at most {maximum}, not {value!r}")
    return int(value)


TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})
# SeatShare's settings that are true or false (pyramid_mailer's are checked
# where the mailer is built).
FLAGS = ("seatshare.session_secure", "seatshare.token_endpoint_allow_get",
         "seatshare.password_hash_fast", "seatshare.db_prepared_statements")


def check_flags(settings, keys=FLAGS) -> None:
    """Each of ``keys`` that ``settings`` has says true or false. Any other
    word read as false, silently: "seatshare.session_secure = ture" sent
    the session cookie over plain HTTP, "mail.tls = yes please" the SMTP
    password without STARTTLS. It refuses to start instead, naming the setting."""
    check_all(settings, [partial(check_flag, key=key) for key in keys])


def check_flag(settings, key: str) -> None:
    if key in settings and str(settings[key]).strip().lower() not in TRUE_WORDS | FALSE_WORDS:
        raise ConfigurationError(f"{key} must be true or false, not {settings[key]!r}")


def as_bool(value) -> bool:
    return str(value).strip().lower() in TRUE_WORDS


# SeatShare's whole-number settings (each has a default above) and what
# each may be, for ``whole_number``: read where they are used, and all
# checked at start by ``seatshare.preflight``.
NUMBERS = {
    "seatshare.access_token_lifetime": {"unit": "seconds"},
    "seatshare.refresh_token_lifetime": {"unit": "seconds"},
    # RFC 6749 §4.1.2: "A maximum authorization code lifetime of 10
    # minutes is RECOMMENDED"; a longer one was taken and silently cut to it.
    "seatshare.authorization_code_lifetime": {"unit": "seconds", "maximum": 600},
    "seatshare.email_undo_lifetime": {"unit": "seconds"},
    "seatshare.session_max_age": {"unit": "seconds"},
    "seatshare.device_cookie_max_age": {"unit": "seconds"},
    "seatshare.hsts_max_age": {"unit": "seconds", "zero_means": "off"},
    # A request body is read into memory whole: a gibibyte at most.
    "seatshare.max_body_bytes": {"unit": "bytes", "maximum": 2**30},
    "seatshare.signin_max_failures": {"unit": "failures", "maximum": 1_000_000},
    "seatshare.signin_window_seconds": {"unit": "seconds"},
    "seatshare.invitation_max": {"unit": "invitations", "maximum": 1_000_000},
    # At most a day: ``tokens purge`` keeps attempts a day (or the sign-in
    # window when that is longer), and a longer window would forget some.
    "seatshare.invitation_window_seconds": {"unit": "seconds", "maximum": 24 * 3600},
    # libpq reads it as a C int.
    "seatshare.db_connect_timeout": {"unit": "seconds", "maximum": 2**31 - 1},
    # PostgreSQL keeps statement_timeout in milliseconds, in 32 bits: a
    # longer one is refused at connect, and every request would be a 503.
    "seatshare.db_statement_timeout": {
        "unit": "seconds", "zero_means": "no limit on PostgreSQL, 30 seconds on SQLite",
        "maximum": (2**31 - 1) // 1000},
    # pyramid_retry's int() of "three" was a traceback naming no setting.
    "retry.attempts": {"unit": "tries", "maximum": 1000},
    "mail.queue_send_interval": {"unit": "seconds", "zero_means": "no sender"},
}


def number(settings, key: str) -> int:
    """The whole-number setting ``key`` of ``NUMBERS``, its default when
    ``settings`` leaves it out."""
    return whole_number({key: DEFAULTS[key], **settings}, key, **NUMBERS[key])


class BadSettings(ConfigurationError):
    """More than one bad setting: ``errors``, each the refusal that names
    one; as a string, their messages one a line."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("\n".join(describe(error) for error in errors))


def describe(error) -> str:
    """A refused setting's one line: an unusable database URL's parser
    error (an ArgumentError) names its setting."""
    return f"sqlalchemy.url: {error}" if isinstance(error, ArgumentError) else str(error)


def check_all(settings, checks) -> None:
    """Run every one of ``checks`` (each given ``settings``, each raising
    the ConfigurationError, or the URL's ArgumentError, that names one bad
    setting) and refuse with all they found, not the first alone: an
    operator fixes them in one go, not one restart at a time. One is
    raised as it is."""
    errors = []
    for check in checks:
        try:
            check(settings)
        except (ConfigurationError, ArgumentError) as error:
            errors.extend(error.errors if isinstance(error, BadSettings) else [error])
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise BadSettings(errors)
