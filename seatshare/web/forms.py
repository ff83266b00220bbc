"""Colander schemas for the HTML forms (every value arrives as a string)."""
import colander

MIN_PASSWORD_LENGTH = 10


def _stripped(value):
    return value.strip() if isinstance(value, str) else value


def _email(value):
    return value.strip().lower() if isinstance(value, str) else value


class SignInForm(colander.MappingSchema):
    email = colander.SchemaNode(
        colander.String(), preparer=_email, validator=colander.Length(max=254)
    )
    password = colander.SchemaNode(colander.String(), validator=colander.Length(max=1024))


class SignUpForm(colander.MappingSchema):
    first_name = colander.SchemaNode(
        colander.String(), preparer=_stripped, validator=colander.Length(1, 100)
    )
    last_name = colander.SchemaNode(
        colander.String(), preparer=_stripped, validator=colander.Length(1, 100)
    )
    email = colander.SchemaNode(
        colander.String(),
        preparer=_email,
        validator=colander.All(colander.Length(max=254), colander.Email()),
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
