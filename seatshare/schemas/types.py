"""Strict colander types for JSON bodies and query strings.

Colander's own types coerce: ``String`` turns ``None`` and ``""`` into
"missing", ``Int`` accepts ``"5"`` and ``"1_000"``. A JSON API should say what
it got wrong instead, so these types accept exactly one JSON shape each.
A field that is absent deserializes to ``colander.null`` (and is dropped by
``missing=colander.drop``); an explicit JSON ``null`` is refused unless the
type is wrapped in ``Nullable``.
"""
import decimal
import re

import colander

from ..text import is_blank, trimmed

MAX_ID = 2**31 - 1
MAX_MONEY = decimal.Decimal("99999999.99")  # Numeric(10, 2)
# \Z, not $: Python's $ also matches before a final newline ("1\n").
DIGITS_RE = re.compile(r"\A[0-9]+\Z")
# An integer in a query string: digits, perhaps a minus sign.
INTEGER_RE = re.compile(r"\A-?[0-9]+\Z")


def record_id(text: str) -> int:
    """The id a decimal integer's text names (leading zeros allowed, as
    00000000001 is 1); KeyError, a 404, when no record can have it: 0, a
    negative number, or more than MAX_ID, however many digits (never int()
    of them all: Python refuses more than 4300)."""
    digits = text.lstrip("0")
    if text.startswith("-") or len(digits) > len(str(MAX_ID)):
        raise KeyError(text)
    value = int(digits or "0")
    if not 1 <= value <= MAX_ID:
        raise KeyError(text)
    return value


class InputType(colander.SchemaType):
    """A type for request input only: ``convert`` checks a value that was
    given (``colander.null``, an absent one, passes by), and nothing is
    serialized through it (a value goes out as it is)."""

    def deserialize(self, node, cstruct):
        if cstruct is colander.null:
            return colander.null
        return self.convert(node, cstruct)

    def convert(self, node, cstruct):
        raise NotImplementedError

    def serialize(self, node, appstruct):
        return appstruct


class _JSONType(InputType):
    expected = "a value"

    def deserialize(self, node, cstruct):
        if cstruct is None:
            raise colander.Invalid(node, "must not be null")
        return super().deserialize(node, cstruct)


def is_storable_text(value: str) -> bool:
    """False for what JSON can carry but a database cannot store: a NUL
    character (PostgreSQL refuses it) or a lone surrogate such as "\\ud800"
    (it has no UTF-8 encoding)."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class JSONString(_JSONType):
    """A JSON string of at most ``max_length`` characters; ``blank=False``
    refuses blank strings (``seatshare.text.is_blank``: nothing but white
    space and invisible format characters), and ``trim=True`` stores them
    trimmed (``seatshare.text.trimmed``: a name typed or pasted with a space
    around it), the length then counting what is stored, as the sign-up
    form's does."""

    def __init__(self, max_length, blank=True, trim=False):
        self.max_length = max_length
        self.blank = blank
        self.trim = trim

    def convert(self, node, cstruct):
        if not isinstance(cstruct, str):
            raise colander.Invalid(node, "must be a string")
        if not is_storable_text(cstruct):
            raise colander.Invalid(node, "must be text without NUL characters or lone surrogates")
        if self.trim:
            cstruct = trimmed(cstruct)
        if not self.blank and is_blank(cstruct):
            raise colander.Invalid(node, "must not be blank")
        if len(cstruct) > self.max_length:
            raise colander.Invalid(node, f"must be at most {self.max_length} characters")
        return cstruct


class JSONChoice(JSONString):
    """A JSON string naming one of ``members`` (of a string enum): the member."""

    def __init__(self, *members):
        super().__init__(max(len(m.value) for m in members))
        self.members = members

    def convert(self, node, cstruct):
        if not isinstance(cstruct, str) or cstruct not in self.members:
            allowed = ", ".join(f'"{m.value}"' for m in self.members)
            raise colander.Invalid(node, f"must be one of {allowed}")
        return next(m for m in self.members if m.value == cstruct)


ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
# A dot-atom local part at a dotted host name: stricter than colander.Email,
# which lets "a.@b" through.
EMAIL_RE = rf"^{ATOM}(?:\.{ATOM})*@{LABEL}(?:\.{LABEL})+$"
# And a local part of at most 64 characters (RFC 5321 4.5.3.1.1), which the
# OpenAPI document says with "format": "email" (a lookahead in its pattern
# would leave generators of examples unable to draw one).
LOCAL_PART_RE = r"(?=[^@]{1,64}@)"


class EmailAddress(colander.Regex):
    """An email address; ``json_schema`` describes the rule to the OpenAPI
    document (any validator may carry one: seatshare.openapi.builders)."""

    json_schema = {"pattern": EMAIL_RE, "format": "email"}

    def __init__(self):
        # \Z, not $: Python's $ also matches before a final newline.
        regex = "^" + LOCAL_PART_RE + EMAIL_RE.removeprefix("^").removesuffix("$") + r"\Z"
        super().__init__(regex, msg="must be an email address")


class JSONInt(_JSONType):
    """A JSON integer (not a boolean, not a string) that is a valid id."""

    def convert(self, node, cstruct):
        if isinstance(cstruct, decimal.Decimal):
            # JSON (and JSON Schema's "integer") counts 1.0 and 1e2 as
            # integers. Range-checked as a Decimal first: int() of 1e999999
            # would build a million digits.
            if not cstruct.is_finite() or cstruct != cstruct.to_integral_value():
                raise colander.Invalid(node, "must be an integer")
            if not 1 <= cstruct <= MAX_ID:
                raise colander.Invalid(node, f"must be between 1 and {MAX_ID}")
            return int(cstruct)
        if isinstance(cstruct, bool) or not isinstance(cstruct, int):
            raise colander.Invalid(node, "must be an integer")
        if not 1 <= cstruct <= MAX_ID:
            raise colander.Invalid(node, f"must be between 1 and {MAX_ID}")
        return cstruct


class JSONBool(_JSONType):
    def convert(self, node, cstruct):
        if not isinstance(cstruct, bool):
            raise colander.Invalid(node, "must be true or false")
        return cstruct


class Money(_JSONType):
    """A JSON number, or a string of ASCII digits with an optional point and
    at most two places ("45.00"); at least 0, at most ``MAX_MONEY``."""

    # The string form, as the OpenAPI document publishes it
    # (seatshare.openapi.builders): a string is accepted exactly when it
    # matches. No sign, exponent, "_", space or non-ASCII digit.
    STRING_PATTERN = r"^[0-9]{1,8}(\.[0-9]{1,2})?$"
    # \Z, not $ ("1\n"); [0-9], not \d (which also takes "١٢").
    _string_re = re.compile(STRING_PATTERN.removesuffix("$") + r"\Z")
    # Any signed decimal: one the pattern refuses gets the message that says
    # why, where there is one ("-1", "0.001", "100000000").
    _signed_decimal_re = re.compile(r"\A-?[0-9]+(?:\.(?P<places>[0-9]+))?\Z")
    MALFORMED = 'must be a decimal amount such as "45.00"'

    def convert(self, node, cstruct):
        if isinstance(cstruct, str):
            return self.from_string(node, cstruct)
        if isinstance(cstruct, bool) or not isinstance(cstruct, (int, decimal.Decimal, float)):
            raise colander.Invalid(node, self.MALFORMED)
        return self.amount(node, decimal.Decimal(str(cstruct)))

    def from_string(self, node, text):
        if self._string_re.match(text):
            return self.amount(node, decimal.Decimal(text))
        match = self._signed_decimal_re.match(text)
        if match is None:
            raise colander.Invalid(node, self.MALFORMED)
        self.amount(node, decimal.Decimal(text))
        if len(match["places"] or "") > 2:  # "45.100"
            raise colander.Invalid(node, "must have at most two decimal places")
        raise colander.Invalid(node, self.MALFORMED)  # "-0", nine digits "000000045"

    def amount(self, node, value):
        if not value.is_finite():
            raise colander.Invalid(node, self.MALFORMED)
        if value < 0:
            raise colander.Invalid(node, "must be at least 0")
        if value > MAX_MONEY:
            raise colander.Invalid(node, f"must be at most {MAX_MONEY}")
        if value != value.quantize(decimal.Decimal("0.01")):
            raise colander.Invalid(node, "must have at most two decimal places")
        # Not negative by now, but maybe a negative zero (the number -0.0),
        # which would be answered as "-0.00": copy_abs() makes it 0.00.
        return value.quantize(decimal.Decimal("0.01")).copy_abs()


class Nullable(InputType):
    """``Nullable(JSONInt())``: JSON ``null`` is a value (it clears the field)."""

    def __init__(self, inner):
        self.inner = inner

    def deserialize(self, node, cstruct):
        if cstruct is None:
            return None
        return self.inner.deserialize(node, cstruct)


class QueryInt(InputType):
    """A query-string integer: ASCII digits only, at least 1.

    ``clamp`` serves larger values as the maximum instead of refusing them
    (``per_page``); otherwise a value above ``maximum`` is a 400. Without a
    maximum (``page``), any positive integer is served.
    """

    def __init__(self, maximum=MAX_ID, clamp=False):
        self.maximum = maximum
        self.clamp = clamp

    def convert(self, node, cstruct):
        if not (isinstance(cstruct, str) and DIGITS_RE.match(cstruct)):
            raise colander.Invalid(node, "must be a positive integer")
        digits = cstruct.lstrip("0") or "0"
        # Past 18 digits a number is above every maximum here and past the
        # end of every list, as 10**18 is: never int() of a million digits.
        value = int(digits) if len(digits) <= 18 else 10**18
        if value < 1:
            raise colander.Invalid(node, "must be a positive integer")
        if self.maximum is not None and value > self.maximum:
            if self.clamp:
                return self.maximum
            raise colander.Invalid(node, f"must be at most {self.maximum}")
        return value


class QueryChoice(InputType):
    def __init__(self, *choices):
        self.choices = choices

    def convert(self, node, cstruct):
        if cstruct not in self.choices:
            allowed = ", ".join(repr(c) for c in self.choices)
            raise colander.Invalid(node, f"must be one of {allowed}")
        return cstruct


class JSONIdList(InputType):
    """A non-empty JSON array of distinct ids, at most ``max_items`` long."""

    def __init__(self, max_items):
        self.max_items = max_items

    def convert(self, node, cstruct):
        if not isinstance(cstruct, list) or not cstruct:
            raise colander.Invalid(node, "must be a non-empty array of event ids")
        if len(cstruct) > self.max_items:
            raise colander.Invalid(node, f"must hold at most {self.max_items} event ids")
        ids = [JSONInt().deserialize(node, item) for item in cstruct]
        if len(set(ids)) != len(ids):
            raise colander.Invalid(node, "must not name an event twice")
        return ids


class QueryText(InputType):
    """A query-string text of at most ``max_length`` characters."""

    def __init__(self, max_length):
        self.max_length = max_length

    def convert(self, node, cstruct):
        if len(cstruct) > self.max_length:
            raise colander.Invalid(node, f"must be at most {self.max_length} characters")
        if not is_storable_text(cstruct):
            # A NUL would reach PostgreSQL in the search pattern: a 500.
            raise colander.Invalid(node, "must be text without NUL characters")
        return trimmed(cstruct)


TEXT_MAX_LENGTH = 10000  # for Text columns, which have no length of their own


def column_length(attribute) -> int:
    """The maximum length of a model's string column: ``column_length(User.email)``."""
    return attribute.property.columns[0].type.length or TEXT_MAX_LENGTH
