"""Colander schemas for the HTML forms, and reading what a form posted."""
import colander
from pyramid.csrf import LegacySessionCSRFStoragePolicy

from ..passwords import MIN_PASSWORD_LENGTH, password_problem
from ..text import has_control_characters, trimmed

NOT_TEXT = "Type this in: a file cannot be sent here."

NAME_MAX_LENGTH = 100
EMAIL_MAX_LENGTH = 254  # RFC 5321's longest forward-path, less its brackets
PASSWORD_MAX_LENGTH = 1024
# The same limits on the pages' fields (maxlength, and minlength for a new
# password), so a browser stops the typing where the form would refuse it
# and a password manager generates a password the form accepts.
FIELD_LENGTHS = {
    "name": NAME_MAX_LENGTH,
    "email": EMAIL_MAX_LENGTH,
    "password": PASSWORD_MAX_LENGTH,
    "new_password_min": MIN_PASSWORD_LENGTH,
}
PASSWORDS_DIFFER = "The two new passwords differ."


def printable(node, value):
    """No control characters: PostgreSQL refuses NUL in text, and no name or
    address needs the others."""
    if has_control_characters(value):
        raise colander.Invalid(node, "Remove the control characters.")


def strong_password(node, value):
    """The password rules that need nothing else, so the form shows them
    beside the other fields' errors."""
    problem = password_problem(value)
    if problem:
        raise colander.Invalid(node, problem)


def _trimmed(value):
    return trimmed(value) if isinstance(value, str) else value


def _email(value):
    return trimmed(value).lower() if isinstance(value, str) else value


def first_problem(*validators):
    """Run ``validators`` in order and report the first failure only: a form
    shows one sentence per field (``colander.All`` joins them all)."""

    def validate(node, value):
        for validator in validators:
            validator(node, value)

    return validate


def text(missing: str, max_length: int, *validators, preparer=None):
    """A text field: ``missing`` when it is left empty (or, trimmed by
    ``preparer``, becomes so), a plain sentence when it is too long."""
    return colander.SchemaNode(
        colander.String(),
        preparer=preparer,
        missing_msg=missing,
        validator=first_problem(
            colander.Length(1, max_length, min_err=missing,
                            max_err="Use at most ${max} characters."),
            *validators,
        ),
    )


def email_field(missing="Enter your email address.", *validators):
    return text(missing, EMAIL_MAX_LENGTH, printable, *validators, preparer=_email)


def password_field(missing, *validators):
    return text(missing, PASSWORD_MAX_LENGTH, *validators)


VALID_EMAIL = colander.Email(msg="Enter an email address, like name@example.com.")


class SignInForm(colander.MappingSchema):
    email = email_field()
    password = password_field("Enter your password.")


class SignUpForm(colander.MappingSchema):
    first_name = text("Enter your first name.", NAME_MAX_LENGTH, printable, preparer=_trimmed)
    last_name = text("Enter your last name.", NAME_MAX_LENGTH, printable, preparer=_trimmed)
    email = email_field("Enter your email address.", VALID_EMAIL)
    password = password_field("Choose a password.", strong_password)

    def validator(self, node, values):
        """The password rule that needs the email, once every field is valid
        (the CLI's ``user create`` deserializes this form too)."""
        problem = password_problem(values["password"], values["email"])
        if problem:
            error = colander.Invalid(node)
            error["password"] = problem
            raise error


class NewPasswordForm(colander.MappingSchema):
    """A new password, twice: the reset link's form."""
    new_password = password_field("Choose a new password.", strong_password)
    new_password_again = password_field("Type the new password again.")


class PasswordForm(NewPasswordForm):
    """Change-password: the current password too, which the view checks."""
    current_password = password_field("Enter your current password.")


class ResetRequestForm(colander.MappingSchema):
    email = email_field("Enter your email address.", VALID_EMAIL)


def new_password_errors(values, email) -> dict:
    """What a valid form's new password still fails: the rule that needs the
    account's email, and the two copies matching."""
    problem = password_problem(values["new_password"], email)
    if problem:
        return {"new_password": problem}
    if values["new_password_again"] != values["new_password"]:
        return {"new_password_again": PASSWORDS_DIFFER}
    return {}


def posted_text(request, name) -> str | None:
    """A posted field's text ("" when absent), or None when it is not text:
    a multipart form may send a file part (``cgi.FieldStorage``) for any
    field, and nothing downstream expects one."""
    value = request.POST.get(name, "")
    return value if isinstance(value, str) else None


class TextTokenCSRFPolicy(LegacySessionCSRFStoragePolicy):
    """The session's CSRF token, as Pyramid's default policy keeps it; a
    token posted as a file part is a wrong token (the "form has expired"
    page), where comparing it raised a TypeError."""

    def check_csrf_token(self, request, supplied_token):
        return isinstance(supplied_token, str) and super().check_csrf_token(
            request, supplied_token
        )


def validate(schema, request) -> tuple[dict | None, dict]:
    """``(values, {})`` or ``(None, {field: message})`` for a posted form."""
    data = {node.name: posted_text(request, node.name) for node in schema}
    errors = {name: NOT_TEXT for name, value in data.items() if value is None}
    try:
        values = schema.deserialize({name: value or "" for name, value in data.items()})
    except colander.Invalid as exc:
        invalid = {key.split(".")[-1]: msg for key, msg in exc.asdict().items()}
        return None, {**invalid, **errors}
    return (None, errors) if errors else (values, {})
