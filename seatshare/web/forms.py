"""Colander schemas for the HTML forms (every value arrives as a string)."""
import colander

MIN_PASSWORD_LENGTH = 10


def printable(node, value):
    """No control characters: PostgreSQL refuses NUL in text, and no name or
    address needs the others."""
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise colander.Invalid(node, "Remove the control characters.")


def _stripped(value):
    return value.strip() if isinstance(value, str) else value


def _email(value):
    return value.strip().lower() if isinstance(value, str) else value


class SignInForm(colander.MappingSchema):
    email = colander.SchemaNode(
        colander.String(), preparer=_email,
        validator=colander.All(colander.Length(max=254), printable),
    )
    password = colander.SchemaNode(colander.String(), validator=colander.Length(max=1024))


class SignUpForm(colander.MappingSchema):
    first_name = colander.SchemaNode(
        colander.String(), preparer=_stripped,
        validator=colander.All(colander.Length(1, 100), printable),
    )
    last_name = colander.SchemaNode(
        colander.String(), preparer=_stripped,
        validator=colander.All(colander.Length(1, 100), printable),
    )
    email = colander.SchemaNode(
        colander.String(),
        preparer=_email,
        validator=colander.All(colander.Length(max=254), printable, colander.Email()),
    )
    password = colander.SchemaNode(
        colander.String(),
        validator=colander.Length(
            MIN_PASSWORD_LENGTH,
            1024,
            min_err=f"Use at least {MIN_PASSWORD_LENGTH} characters.",
        ),
    )


def validate(schema, request) -> tuple[dict | None, dict]:
    """``(values, {})`` or ``(None, {field: message})`` for a posted form."""
    data = {node.name: request.POST.get(node.name, "") for node in schema}
    try:
        return schema.deserialize(data), {}
    except colander.Invalid as exc:
        return None, {key.split(".")[-1]: msg for key, msg in exc.asdict().items()}
