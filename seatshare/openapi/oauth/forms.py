"""The pieces the OAuth endpoints' descriptions share: strings, query
parameters and form bodies (application/x-www-form-urlencoded)."""
from ...oauth.views import FORM  # noqa: F401 (the media type the endpoints read)


def string(description, **extra):
    return {"type": "string", "description": description, **extra}


def string_list(description):
    return {"type": "array", "items": {"type": "string"}, "description": description}


def query(name, description, required=False, **schema):
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": {"type": "string", **schema},
    }


def form_body(properties: dict, required: list) -> dict:
    schema = {"type": "object", "properties": properties, "required": required}
    return {"required": True, "content": {FORM: {"schema": schema}}}
