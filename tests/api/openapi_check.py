"""Check real responses against the OpenAPI document.

``ResponseChecker.check(response)`` finds the operation for the request's
method and path, and asserts that the status is documented, that the body
validates against the documented JSON Schema (2020-12, by jsonschema_rs, its
formats asserted: a `date-time` must be a date, a `uri` absolute), that
each documented header marked ``required`` is present, that every documented
header sent has a value its schema allows, and that none of the headers a
client acts on (``CONTRACT_HEADERS``) is sent where the document does not
name it. A request to a path or method the document does not have (a 404 or
405 test) must still answer the error body.
"""
import functools
import json
import re
from urllib.parse import urlsplit

import jsonschema_rs

from seatshare.openapi import document

# The headers API.md and RFC 6749/6750 give a meaning a client acts on: a
# response that sends one must say so in the document.
CONTRACT_HEADERS = ("Link", "X-Total-Count", "Location", "WWW-Authenticate", "Retry-After",
                    "Cache-Control")


def inline_refs(node, root):
    """The schema with every local ``$ref`` replaced by what it names."""
    if isinstance(node, dict):
        if "$ref" in node:
            target = root
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            return inline_refs(target, root)
        return {key: inline_refs(value, root) for key, value in node.items()}
    if isinstance(node, list):
        return [inline_refs(item, root) for item in node]
    return node


def path_pattern(template, item):
    """A regular expression for the paths ``template`` describes: an integer
    parameter is an id, any other one a whole segment of its own pattern's."""
    schemas = {p["name"]: p["schema"] for p in item.get("parameters", []) if p["in"] == "path"}

    def parameter(name):
        schema = schemas.get(name, {"type": "integer"})
        if schema["type"] == "integer":
            return "[1-9][0-9]*"
        return "(?:" + schema.get("pattern", "[^/]+").removeprefix("^").removesuffix("$") + ")"

    # re.split with a group: literal text at even indexes, parameter names at odd ones.
    parts = re.split(r"\{([^}]+)\}", template)
    return re.compile("^" + "".join(
        parameter(part) if index % 2 else re.escape(part) for index, part in enumerate(parts)
    ) + "$")


class ResponseChecker:
    def __init__(self, doc=None):
        self.doc = doc or document()
        self.routes = [(path_pattern(path, item), path) for path, item in self.doc["paths"].items()]
        self.seen = set()

    @functools.cache
    def validator(self, pointer):
        schema = self.doc
        for part in pointer:
            schema = schema[part]
        return jsonschema_rs.Draft202012Validator(inline_refs(schema, self.doc), validate_formats=True)

    def template_for(self, path):
        for pattern, template in self.routes:
            if pattern.match(path):
                return template
        return None

    def check(self, method, url, status, headers, body: bytes):
        path = urlsplit(url).path
        template = self.template_for(path)
        operation = self.doc["paths"].get(template, {}).get(method.lower())
        if method == "HEAD":
            return
        if operation is None:
            # Not an operation of the document: an API error must still be one.
            if path.startswith("/api/"):
                assert status in (401, 404, 405), (
                    f"{method} {path} answered {status} but is not in the OpenAPI document: "
                    "describe it in seatshare/openapi (see its docstring)"
                )
                self.validate(("components", "schemas", "Error"), json.loads(body))
            return
        responses = operation["responses"]
        assert str(status) in responses, f"{method} {template} answered undocumented {status}"
        self.seen.add((method, template, status))
        response = responses[str(status)]
        documented = response.get("headers", {})
        for name, header in documented.items():
            if name not in headers:
                assert not header.get("required"), f"{method} {template} {status} lacks header {name}"
                continue
            self.validate(("paths", template, method.lower(), "responses", str(status),
                           "headers", name, "schema"), headers[name])
        for name in CONTRACT_HEADERS:
            assert name not in headers or name in documented, (
                f"{method} {template} {status} sends {name}: {headers[name]!r}, "
                "which the document does not name")
        content = response.get("content", {})
        if "application/json" in content:
            pointer = ("paths", template, method.lower(), "responses", str(status), "content",
                       "application/json", "schema")
            self.validate(pointer, json.loads(body))
        elif not content:
            assert body == b"", f"{method} {template} {status} should have no body"

    def validate(self, pointer, instance):
        errors = [e.message for e in self.validator(pointer).iter_errors(instance)]
        assert not errors, f"{'/'.join(pointer)}: {errors[:3]} in {instance!r:.500}"


@functools.cache
def checker() -> ResponseChecker:
    return ResponseChecker()
