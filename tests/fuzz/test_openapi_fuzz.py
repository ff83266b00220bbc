"""Fuzzing against the contract: schemathesis drives every operation of
SeatShare's own OpenAPI document (``seatshare.openapi.document()``, the one
served at ``GET /api/v1/openapi.json``) through the WSGI app in process, as a
member with data in every table (tests/fuzz/conftest.py), with every check
on: no server error, status codes, content types, headers and bodies as
documented, negative data rejected, positive data accepted, auth not ignored.

``make test`` runs a bounded number of examples per operation;
``make fuzz`` runs the long one (marked ``slow``, deselected by default).
Every failure this has found is a regular regression test in tests/hardening.

One refinement, not an exemption: a schema-valid request may still be
refused with a 400 by a rule the document cannot state because it needs the
database or the record being changed ("is not a known entity", "must be a
member of the ticket's group"). ``RECORD_RULES`` lists those messages; a 400
naming any other message, or none, still fails.
"""
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.checks import positive_data_acceptance

from seatshare.openapi import document

# The API refuses query parameters it does not know (API.md §1, "a field the
# resource does not have is a 400"), so none are generated as positive data.
GENERATION = {"allow-extra-parameters": False}
# The bounded run generates examples at random; the long run adds the
# coverage phase's boundary and mutation cases (some 3,000 requests alone).
schema = schemathesis.openapi.from_dict(document(), config=SchemathesisConfig.from_dict(
    {"generation": GENERATION, "phases": {"coverage": {"enabled": False}}}))
long_schema = schemathesis.openapi.from_dict(document(), config=SchemathesisConfig.from_dict(
    {"generation": GENERATION}))

FAST_EXAMPLES = int(os.environ.get("SEATSHARE_FUZZ_EXAMPLES", "25"))
LONG_EXAMPLES = int(os.environ.get("SEATSHARE_FUZZ_LONG_EXAMPLES", "200"))
HYPOTHESIS = dict(deadline=None, database=None, suppress_health_check=list(HealthCheck))

# 400 messages of rules that need the database or the record being changed.
RECORD_RULES = (
    "is not a known entity",  # POST /groups: entity_id names no entity
    "is not a known group",  # POST /tickets: group_id names no active group
    "must be events of the group's entity",  # POST /tickets: event_id(s) of another team
    "must be a member of the ticket's group",  # assignee_id
    "must be an alias of the ticket's assignee",  # alias_id
    "at least one of section, row and seat must not be blank",  # with the stored values
    "is already taken",  # PUT /users/me: another user's email
)
# The authorization endpoint answers an HTML 400 page (never a redirect) for a
# client_id or redirect_uri that is not registered (API.md §2).
HTML_REFUSALS = {"/oauth/authorization"}

REQUESTS = {"sent": 0}


def refused_only_by_record_rules(response, case) -> bool:
    if response.status_code != 400:
        return False
    if case.operation.path in HTML_REFUSALS:
        content_type = {k.lower(): v for k, v in response.headers.items()}.get("content-type")
        content_type = content_type[0] if isinstance(content_type, list) else content_type
        return (content_type or "").startswith("text/html")
    try:
        body = response.json()
    except ValueError:
        return False
    fields = body.get("fields") or {}
    return bool(fields) and all(
        any(message.startswith(rule) for rule in RECORD_RULES) for message in fields.values()
    )


@schemathesis.check
def positive_data_acceptance_but_record_rules(ctx, response, case):
    """``positive_data_acceptance``, except for the refusals described above."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        if refused_only_by_record_rules(response, case):
            return None
        raise


def call_and_validate(case, target):
    REQUESTS["sent"] += 1
    headers = target.headers_for(case.operation.path)
    if headers.get("Authorization", "").startswith("Basic "):
        # The harness authenticates the client by HTTP Basic: a generated
        # client_secret beside it would be a second method (RFC 6749 §2.3),
        # refused before the endpoint checks anything else it was sent.
        for params in (case.body, case.query):
            if isinstance(params, dict):
                params.pop("client_secret", None)
    with target.rolled_back():
        # Set on the schema, not per call, so that the checks' own follow-up
        # requests (ignored_auth, use_after_free...) reach the app too.
        case.operation.schema.app = target.app
        case.call_and_validate(
            app=target.app,
            headers=headers,
            excluded_checks=[positive_data_acceptance],
            additional_checks=[positive_data_acceptance_but_record_rules],
        )


BUILT_IN_CHECKS = {
    "not_a_server_error", "status_code_conformance", "content_type_conformance",
    "response_headers_conformance", "response_schema_conformance", "negative_data_rejection",
    "positive_data_acceptance", "missing_required_header", "unsupported_method",
    "allow_header_conformance", "use_after_free", "ensure_resource_availability",
    "ignored_auth", "object_level_authorization",
}


@pytest.mark.parametrize("fuzzed", [schema, long_schema], ids=["bounded", "long"])
def test_every_built_in_check_is_on(fuzzed):
    """The runs below rely on schemathesis's defaults: all of them enabled."""
    enabled = {name for name in BUILT_IN_CHECKS if getattr(fuzzed.config.checks, name).enabled}
    assert enabled == BUILT_IN_CHECKS


@schema.parametrize()
@settings(max_examples=FAST_EXAMPLES, derandomize=True, **HYPOTHESIS)
def test_every_operation_conforms(case, fuzz_target):
    call_and_validate(case, fuzz_target)


@pytest.mark.slow
@long_schema.parametrize()
@settings(max_examples=LONG_EXAMPLES, **HYPOTHESIS)
def test_every_operation_conforms_long_run(case, fuzz_target):
    call_and_validate(case, fuzz_target)



@pytest.fixture(scope="module", autouse=True)
def report_requests_fuzzed(backend):
    REQUESTS["sent"] = 0
    yield
    print(f"\nfuzzing ({backend}): {REQUESTS['sent']} requests, every check passed")
