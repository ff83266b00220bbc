"""GET/POST /oauth/token: exchange, refresh, client authentication, errors (API.md §2)."""
import base64
import datetime
import hashlib
import json
import re
import uuid
from urllib.parse import urlencode

import pytest
from oauthlib.common import Request as OAuthRequest
from pyramid.exceptions import ConfigurationError
from oauthlib.oauth2.rfc6749.errors import InvalidGrantError
from sqlalchemy import select, update

from seatshare import main
from seatshare.models import Application, AuthorizationCode, Token, utcnow
from seatshare.oauth.error_descriptions import ERROR_DESCRIPTIONS
from seatshare.oauth.validator import SeatShareValidator
from seatshare.tokens import hash_token, new_token
from tests import factories

from .conftest import (REDIRECT_URI, Flow, api_me, authorization_url, basic, pkce_pair,
                       query_of)

HEX64 = re.compile(r"^[0-9a-f]{64}$")
CLIENT_CHALLENGE = 'Basic realm="seatshare"'


def assert_error(response, error, status):
    assert response.status_int == status
    assert response.json["error"] == error
    assert response.json["code"] == status
    # RFC 6749 §5.2: printable ASCII without '"' and '\'.
    assert re.fullmatch(r'[\x20\x21\x23-\x5b\x5d-\x7e]+', response.json["error_description"])
    assert response.headers["Cache-Control"] == "no-store"


def test_success_body_is_exactly_the_contract(signed_in_flow):
    response = signed_in_flow.exchange(signed_in_flow.code())
    assert response.headers["Cache-Control"] == "no-store"
    assert response.content_type == "application/json"
    body = response.json
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token", "scope"}
    assert HEX64.match(body["access_token"]) and HEX64.match(body["refresh_token"])
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 7200
    assert body["scope"] == "read write"


def test_access_token_lifetime_comes_from_the_settings(signed_in_flow, app, monkeypatch, dbsession):
    monkeypatch.setitem(app.registry.settings, "seatshare.access_token_lifetime", "60")
    body = signed_in_flow.tokens()
    assert body["expires_in"] == 60
    row = dbsession.execute(
        select(Token).where(Token.access_token_hash == hash_token(body["access_token"]))
    ).scalar_one()
    assert abs((row.expires_at - utcnow()).total_seconds() - 60) < 10


@pytest.mark.parametrize("setting", ["seatshare.access_token_lifetime",
                                     "seatshare.refresh_token_lifetime",
                                     "seatshare.authorization_code_lifetime",
                                     "seatshare.email_undo_lifetime"])
@pytest.mark.parametrize("value", ["2h", "-60", "0", "", "1.5", "99999999999999"])
def test_a_bad_lifetime_refuses_to_start(app_settings, setting, value):
    """Read at start like every setting in seconds: "2h" started, and then
    every token request answered 500; a negative lifetime issued tokens
    already expired; a huge one overflowed at the first request."""
    with pytest.raises(ConfigurationError, match=setting):
        main({}, **{**app_settings, setting: value})


def test_tokens_are_stored_only_as_hashes(signed_in_flow, dbsession):
    body = signed_in_flow.tokens()
    dbsession.expire_all()
    rows = dbsession.execute(select(Token.__table__)).all()
    assert len(rows) == 1
    stored = repr(rows) + repr(dbsession.execute(select(Application.__table__)).all())
    for secret in (body["access_token"], body["refresh_token"], signed_in_flow.secret):
        assert secret not in stored
    assert rows[0].access_token_hash == hash_token(body["access_token"])
    assert rows[0].refresh_token_hash == hash_token(body["refresh_token"])


def test_client_may_authenticate_with_http_basic(signed_in_flow, testapp):
    params = signed_in_flow.token_params(signed_in_flow.code(), client_secret=None)
    del params["client_id"]
    headers = basic(signed_in_flow.application.client_id, signed_in_flow.secret)
    assert testapp.post("/oauth/token", params, headers=headers).json["token_type"] == "bearer"


def test_wrong_or_missing_client_secret_is_invalid_client_401(signed_in_flow, testapp):
    code = signed_in_flow.code()
    assert_error(signed_in_flow.exchange(code, 401, client_secret="0" * 64), "invalid_client", 401)
    assert_error(signed_in_flow.exchange(code, 401, client_secret=None), "invalid_client", 401)
    headers = basic(signed_in_flow.application.client_id, "wrong")
    params = signed_in_flow.token_params(code, client_secret=None)
    response = testapp.post("/oauth/token", params, headers=headers, status=401)
    assert_error(response, "invalid_client", 401)
    # None of these used the code up.
    assert signed_in_flow.exchange(code).status_int == 200


def test_basic_and_a_secret_in_the_body_at_once_is_invalid_request(signed_in_flow, testapp):
    """RFC 6749 §2.3: a client uses one authentication method per request;
    §5.2 names using more than one ``invalid_request``. The body's secret,
    right or wrong, is not ignored in favour of the header's."""
    code = signed_in_flow.code()
    headers = basic(signed_in_flow.application.client_id, signed_in_flow.secret)
    for secret in ("0" * 64, signed_in_flow.secret):
        params = signed_in_flow.token_params(code, client_secret=secret)
        response = testapp.post("/oauth/token", params, headers=headers, status=400)
        assert_error(response, "invalid_request", 400)
    # A client_id in the body beside Basic is no second method.
    params = signed_in_flow.token_params(code, client_secret=None)
    assert testapp.post("/oauth/token", params, headers=headers).status_int == 200


@pytest.mark.parametrize("name", ["client_secret", "code", "code_verifier", "scope"])
def test_a_repeated_parameter_is_invalid_request(signed_in_flow, testapp, name):
    """RFC 6749 §3.2: parameters MUST NOT be included more than once; a
    repeated one is ``invalid_request`` (§5.2), never one of its values."""
    verifier, challenge = pkce_pair()
    code = signed_in_flow.code(code_challenge=challenge, code_challenge_method="S256")
    params = signed_in_flow.token_params(code, code_verifier=verifier)
    pairs = [*params.items(), ("scope", "read")]
    pairs.insert(0, (name, "0" * 64 if name != "scope" else "read"))
    response = testapp.post("/oauth/token", pairs, status=400)
    assert_error(response, "invalid_request", 400)
    assert signed_in_flow.exchange(code, code_verifier=verifier).status_int == 200


def test_a_repeated_refresh_token_is_invalid_request(signed_in_flow, testapp):
    tokens = signed_in_flow.tokens()
    params = {"grant_type": "refresh_token", "client_id": signed_in_flow.application.client_id,
              "client_secret": signed_in_flow.secret}
    pairs = [*params.items(), ("refresh_token", "0" * 64),
             ("refresh_token", tokens["refresh_token"])]
    assert_error(testapp.post("/oauth/token", pairs, status=400), "invalid_request", 400)
    assert signed_in_flow.refresh(tokens["refresh_token"]).status_int == 200


def test_invalid_client_challenges_basic_however_the_client_authenticated(
    signed_in_flow, testapp
):
    """RFC 6749 §5.2: the 401 names the scheme the client used, HTTP Basic
    (not RFC 6750's Bearer); a client that sent its secret in the body is
    told the same scheme, the only one it could use in a header."""
    code = signed_in_flow.code()
    params = signed_in_flow.token_params(code, client_secret=None)
    headers = basic(signed_in_flow.application.client_id, "wrong")
    by_basic = testapp.post("/oauth/token", params, headers=headers, status=401)
    in_body = signed_in_flow.exchange(code, 401, client_secret="0" * 64)
    refresh = signed_in_flow.refresh("0" * 64, 401, client_secret="0" * 64)
    for response in (by_basic, in_body, refresh):
        assert_error(response, "invalid_client", 401)
        assert response.headers.getall("WWW-Authenticate") == [CLIENT_CHALLENGE]


def test_unknown_client_is_invalid_client_401(signed_in_flow):
    response = signed_in_flow.exchange(signed_in_flow.code(), 401, client_id="unknown")
    assert_error(response, "invalid_client", 401)


def test_seed_get_with_everything_in_the_query_string(signed_in_flow, testapp):
    query = urlencode(signed_in_flow.token_params(signed_in_flow.code()))
    response = testapp.get("/oauth/token?" + query)
    assert response.json["token_type"] == "bearer"
    assert response.headers["Cache-Control"] == "no-store"


def test_allow_names_get_while_the_seed_get_is_on(testapp):
    response = testapp.put("/oauth/token", status=405)
    assert response.headers["Allow"] == "GET, POST"  # HEAD is a 405 there too


def test_post_with_parameters_in_the_query_string_is_an_rfc_error(signed_in_flow, testapp):
    query = urlencode(signed_in_flow.token_params(signed_in_flow.code()))
    response = testapp.post("/oauth/token?" + query, "", status=400)
    assert_error(response, "invalid_request", 400)


def test_unparseable_body_is_a_400(signed_in_flow, testapp):
    response = testapp.post(
        "/oauth/token", b"\xff\xfe", content_type="application/x-www-form-urlencoded",
        status=400,
    )
    assert_error(response, "invalid_request", 400)


@pytest.mark.parametrize("path", ["/oauth/token", "/oauth/revoke", "/oauth/introspect"])
@pytest.mark.parametrize("content_type", ["application/json", "multipart/form-data",
                                          "text/plain"])
def test_a_body_that_is_not_a_form_is_invalid_request_saying_so(signed_in_flow, testapp,
                                                                  path, content_type):
    """RFC 6749 §3.2, RFC 7009 §2.1, RFC 7662 §2.1: the parameters come
    form-encoded. A JSON body, a client developer's usual first try, was
    read as no parameters at all: "Missing grant_type parameter", though
    it had one. Now the description names what to send."""
    tokens = signed_in_flow.tokens()
    body = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
            "token": tokens["access_token"]}
    headers = basic(signed_in_flow.application.client_id, signed_in_flow.secret)
    response = testapp.post(path, json.dumps(body), headers=headers,
                            content_type=content_type, status=400)
    assert_error(response, "invalid_request", 400)
    assert response.json["error_description"] == (
        "Send the parameters in the body as application/x-www-form-urlencoded "
        f"(RFC 6749 section 3.2), not as {content_type}.")
    # Nothing was used up: the refresh token still works.
    signed_in_flow.refresh(tokens["refresh_token"])


@pytest.mark.parametrize(("content_type", "named"), [
    (None, "a JSON object without a Content-Type"),
    ('text/"quoted"', "another media type"),
    ("text/pláin", "another media type"),
])
def test_a_json_body_without_a_content_type_is_told_to_send_a_form(signed_in_flow, testapp,
                                                                    content_type, named):
    """Without a Content-Type the body is read as a form: a JSON object was
    read as one parameter named after the whole body, and answered
    "Missing grant_type parameter" though it had one. The description
    names what was sent, when it is a media type an error_description
    can quote (RFC 6749 §5.2: printable ASCII, no quotes)."""
    tokens = signed_in_flow.tokens()
    body = json.dumps({"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})
    headers = basic(signed_in_flow.application.client_id, signed_in_flow.secret)
    if content_type is not None:
        headers["Content-Type"] = content_type
    response = testapp.request("/oauth/token", method="POST", body=body.encode(),
                               headers=headers, status=400)
    assert_error(response, "invalid_request", 400)
    assert response.json["error_description"].endswith(f"not as {named}.")
    signed_in_flow.refresh(tokens["refresh_token"])


def test_a_form_without_a_content_type_is_still_read(signed_in_flow, testapp):
    tokens = signed_in_flow.tokens()
    body = urlencode({"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})
    headers = basic(signed_in_flow.application.client_id, signed_in_flow.secret)
    response = testapp.request("/oauth/token", method="POST", body=body.encode(),
                               headers=headers)
    assert response.json["token_type"] == "bearer"


@pytest.mark.parametrize("content_type", [
    "application/x-www-form-urlencoded ; charset=UTF-8",
    "Application/X-WWW-Form-Urlencoded\t;charset=utf-8",
])
def test_a_form_with_white_space_before_its_parameter_is_read(signed_in_flow, testapp,
                                                              content_type):
    """RFC 9110 §5.6.6: white space may come before a parameter's ";". The
    form was refused as "not as application/x-www-form-urlencoded "."""
    tokens = signed_in_flow.tokens()
    body = urlencode({"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})
    headers = {**basic(signed_in_flow.application.client_id, signed_in_flow.secret),
               "Content-Type": content_type}
    response = testapp.request("/oauth/token", method="POST", body=body.encode(),
                               headers=headers)
    assert response.json["token_type"] == "bearer"


def test_unsupported_grant_type(signed_in_flow, testapp):
    params = {"grant_type": "password", "username": "a", "password": "b",
              "client_id": signed_in_flow.application.client_id,
              "client_secret": signed_in_flow.secret}
    response = testapp.post("/oauth/token", params, status=400)
    assert_error(response, "unsupported_grant_type", 400)


@pytest.mark.parametrize("grant_type", ["openid", "none", "client_credentials"])
def test_a_grant_type_not_offered_is_unsupported_grant_type(signed_in_flow, grant_type):
    """RFC 6749 §5.2: a grant the server does not offer (the metadata's
    ``grant_types_supported`` names two) is ``unsupported_grant_type``
    whatever it is called; oauthlib handed ``openid`` to its code grant,
    which answered ``unauthorized_client``, as if this client were the
    problem. The code it carried stays good."""
    code = signed_in_flow.code()
    response = signed_in_flow.exchange(code, 400, grant_type=grant_type)
    assert_error(response, "unsupported_grant_type", 400)
    assert signed_in_flow.exchange(code).status_int == 200


@pytest.mark.parametrize("grant_type", [None, ""])
def test_missing_grant_type_is_invalid_request(signed_in_flow, grant_type):
    """RFC 6749 §5.2: a missing required parameter is invalid_request, not
    unsupported_grant_type (an empty one counts as missing, §3.1)."""
    code = signed_in_flow.code()
    response = signed_in_flow.exchange(code, 400, grant_type=grant_type)
    assert_error(response, "invalid_request", 400)
    assert "grant_type" in response.json["error_description"]
    assert signed_in_flow.exchange(code).status_int == 200


def test_an_empty_code_or_refresh_token_is_missing_not_invalid(signed_in_flow):
    """RFC 6749 §3.1: a parameter sent without a value is treated as
    omitted; a missing one is ``invalid_request`` (§5.2), where an empty
    code or refresh token was looked up and answered ``invalid_grant``."""
    missing_code = signed_in_flow.exchange("", 400)
    assert_error(missing_code, "invalid_request", 400)
    assert "code" in missing_code.json["error_description"]
    missing_refresh = signed_in_flow.refresh("", 400)
    assert_error(missing_refresh, "invalid_request", 400)
    assert "refresh token" in missing_refresh.json["error_description"]


def test_an_empty_code_verifier_is_no_verifier(signed_in_flow):
    """RFC 6749 §3.1: ``code_verifier=`` is no verifier, so a code asked for
    without PKCE is exchanged; it was refused as a verifier without a
    challenge. Where a challenge was sent, it is still required."""
    assert signed_in_flow.exchange(signed_in_flow.code(), code_verifier="").status_int == 200
    verifier, challenge = pkce_pair()
    code = signed_in_flow.code(code_challenge=challenge, code_challenge_method="S256")
    assert_error(signed_in_flow.exchange(code, 400, code_verifier=""), "invalid_request", 400)
    assert signed_in_flow.exchange(code, code_verifier=verifier).status_int == 200


def test_expired_code_is_refused(signed_in_flow, dbsession):
    code = signed_in_flow.code()
    dbsession.execute(
        update(AuthorizationCode).values(expires_at=utcnow() - datetime.timedelta(seconds=1))
    )
    assert_error(signed_in_flow.exchange(code, 400), "invalid_grant", 400)


def test_unknown_code_is_refused(signed_in_flow):
    assert_error(signed_in_flow.exchange("f" * 64, 400), "invalid_grant", 400)


def other_client(flow):
    """Another registered client, with its own valid credentials."""
    other, secret = factories.make_application(redirect_uris=[REDIRECT_URI])
    return Flow(flow.testapp, other, secret, flow.user)


def test_code_of_another_client_is_refused_and_burned(signed_in_flow):
    """RFC 6749 §4.1.3: a code works only for its client. Presented by
    another, it has leaked: refused, and dead for its own client too."""
    code = signed_in_flow.code()
    assert_error(other_client(signed_in_flow).exchange(code, 400), "invalid_grant", 400)
    assert_error(signed_in_flow.exchange(code, 400), "invalid_grant", 400)


def test_used_code_presented_by_another_client_revokes_what_it_issued(
    signed_in_flow, testapp
):
    """API.md §2, RFC 6749 §4.1.2: a replayed code is refused and every token
    issued from it revoked, whichever authenticated client replays it."""
    code = signed_in_flow.code()
    first = signed_in_flow.exchange(code).json
    refreshed = signed_in_flow.refresh(first["refresh_token"]).json

    assert_error(other_client(signed_in_flow).exchange(code, 400), "invalid_grant", 400)

    api_me(testapp, first["access_token"], status=401)
    api_me(testapp, refreshed["access_token"], status=401)
    assert_error(signed_in_flow.refresh(refreshed["refresh_token"], 400), "invalid_grant", 400)


def public_client(flow):
    """A registered public client: it sends its client_id, which anyone can."""
    other, _ = factories.make_application(redirect_uris=[REDIRECT_URI], confidential=False)
    return Flow(flow.testapp, other, None, flow.user)


def test_a_public_client_cannot_burn_another_applications_code(signed_in_flow):
    """Only a client authenticated by its secret may burn another's code: a
    public client's id proves nothing, so the code stays good for its own."""
    code = signed_in_flow.code()
    public = public_client(signed_in_flow)
    assert_error(public.exchange(code, 400, code_verifier="v" * 43), "invalid_grant", 400)
    assert_error(public.exchange(code, 400), "invalid_grant", 400)
    assert signed_in_flow.exchange(code).json["access_token"]


def test_a_public_client_replaying_another_applications_code_revokes_nothing(
    signed_in_flow, testapp
):
    code = signed_in_flow.code()
    tokens = signed_in_flow.exchange(code).json
    assert_error(public_client(signed_in_flow).exchange(code, 400), "invalid_grant", 400)
    api_me(testapp, tokens["access_token"])


def test_another_clients_presentation_that_loses_the_race_revokes_the_winners_tokens(
    signed_in_flow, testapp, dbsession
):
    """Another client read the code unused, but its own client consumed it
    before the burn: a replay after all, so what that exchange got is revoked."""
    code = signed_in_flow.code()
    other = other_client(signed_in_flow).application
    validator_request = OAuthRequest("https://example.com/oauth/token")
    validator_request.grant_type = "authorization_code"
    validator_request.code = code
    validator = SeatShareValidator(dbsession, 7200, 3600, 600)
    validator._application(other.client_id, validator_request)  # reads the code unused
    first = signed_in_flow.exchange(code).json
    assert not validator.validate_code(other.client_id, code, other, validator_request)
    dbsession.flush()
    api_me(testapp, first["access_token"], status=401)


def test_used_code_presented_without_client_authentication_revokes_nothing(
    signed_in_flow, testapp
):
    code = signed_in_flow.code()
    first = signed_in_flow.exchange(code).json
    other = other_client(signed_in_flow)
    assert_error(other.exchange(code, 401, client_secret="0" * 64), "invalid_client", 401)
    assert_error(signed_in_flow.exchange(code, 401, client_id="unknown"), "invalid_client", 401)
    api_me(testapp, first["access_token"])


def test_redirect_uri_must_repeat_the_authorization_request(signed_in_flow, dbsession):
    """RFC 6749 §5.2: another redirect_uri than the authorization request's is
    invalid_grant; none at all (or an empty one, §3.1) is a missing
    parameter, invalid_request."""
    code = signed_in_flow.code()
    response = signed_in_flow.exchange(code, 400, redirect_uri=REDIRECT_URI + "/")
    assert_error(response, "invalid_grant", 400)
    assert_error(signed_in_flow.exchange(code, 400, redirect_uri=None), "invalid_request", 400)
    assert_error(signed_in_flow.exchange(code, 400, redirect_uri=""), "invalid_request", 400)
    assert signed_in_flow.exchange(code).status_int == 200


def test_code_works_once_and_a_replay_revokes_what_it_issued(signed_in_flow, testapp):
    code = signed_in_flow.code()
    first = signed_in_flow.exchange(code).json
    refreshed = signed_in_flow.refresh(first["refresh_token"]).json
    api_me(testapp, first["access_token"])
    api_me(testapp, refreshed["access_token"])

    assert_error(signed_in_flow.exchange(code, 400), "invalid_grant", 400)

    api_me(testapp, first["access_token"], status=401)
    api_me(testapp, refreshed["access_token"], status=401)
    assert_error(signed_in_flow.refresh(refreshed["refresh_token"], 400), "invalid_grant", 400)


def test_a_replayed_code_is_told_it_was_already_used_but_another_client_is_not(
        signed_in_flow):
    """RFC 6749 §4.1.2: the code's own client, replaying it, is told why it
    is refused (and why its tokens stopped working), as a parallel
    exchange's loser was; it said the generic invalid_grant. Another client
    learns nothing about a code that was never its own."""
    code = signed_in_flow.code()
    signed_in_flow.exchange(code)
    replay = signed_in_flow.exchange(code, 400)
    assert_error(replay, "invalid_grant", 400)
    assert replay.json["error_description"] == "The authorization code was already used."
    other = other_client(signed_in_flow).exchange(code, 400)
    assert_error(other, "invalid_grant", 400)
    assert other.json["error_description"] == ERROR_DESCRIPTIONS["invalid_grant"]


def test_parallel_loser_revokes_the_winners_tokens(signed_in_flow, testapp, dbsession):
    """The race itself runs live in tests/e2e; here, its losing side: the code
    passed every check, but another exchange consumed it first."""
    code = signed_in_flow.code()
    first = signed_in_flow.exchange(code).json
    record = dbsession.execute(select(AuthorizationCode)).scalar_one()
    validator_request = OAuthRequest("https://example.com/oauth/token")
    validator_request.grant_type = "authorization_code"
    validator_request.authorization_code_id = record.id
    validator_request.client = record.application
    validator_request.user = record.user_id
    validator_request.scopes = record.scopes.split()
    validator_request.token_family = "loser"
    validator = SeatShareValidator(dbsession, 7200, 3600, 600)
    with pytest.raises(InvalidGrantError):
        # After every check, the code is consumed (SQLite) or consumed as
        # the token is stored (PostgreSQL): either way the loser fails here.
        validator.consume_authorization_code(validator_request)
        validator.save_bearer_token(
            {"access_token": new_token(), "refresh_token": new_token(), "expires_in": 7200},
            validator_request,
        )
    dbsession.flush()
    api_me(testapp, first["access_token"], status=401)
    families = dbsession.scalars(
        select(Token.family).where(Token.authorization_code_id == record.id)).all()
    assert "loser" not in families and len(families) == 1


def signed_in_public_flow(testapp, user):
    """A public application (no secret), and ``user`` signed in."""
    application, _ = factories.make_application(confidential=False,
                                                redirect_uris=[REDIRECT_URI])
    flow = Flow(testapp, application, None, user)
    flow.sign_in()
    return flow


def test_pkce_s256_is_verified(testapp, user):
    flow = signed_in_public_flow(testapp, user)
    verifier, challenge = pkce_pair()
    pkce = {"code_challenge": challenge, "code_challenge_method": "S256"}

    code = flow.code(**pkce)
    assert_error(flow.exchange(code, 400, code_verifier=pkce_pair()[0]), "invalid_grant", 400)
    assert_error(flow.exchange(code, 400), "invalid_request", 400)
    body = flow.exchange(code, code_verifier=verifier).json
    assert body["token_type"] == "bearer"
    api_me(testapp, body["access_token"])


def test_a_replayed_public_code_is_told_already_used_only_with_its_verifier(testapp, user):
    """Whoever intercepted a public client's code can send its client_id
    too: told "already used" before the verifier was checked, they learned
    the code was real and redeemed. Only the verifier of the code's
    challenge proves the client now; the tokens are revoked either way
    (API.md §2)."""
    flow = signed_in_public_flow(testapp, user)
    verifier, challenge = pkce_pair()
    code = flow.code(code_challenge=challenge, code_challenge_method="S256")
    first = flow.exchange(code, code_verifier=verifier).json
    for wrong in ({}, {"code_verifier": pkce_pair()[0]}, {"code_verifier": "v"}):
        intercepted = flow.exchange(code, 400, **wrong)
        assert_error(intercepted, "invalid_grant", 400)
        assert intercepted.json["error_description"] == ERROR_DESCRIPTIONS["invalid_grant"]
    api_me(testapp, first["access_token"], status=401)
    replay = flow.exchange(code, 400, code_verifier=verifier)
    assert_error(replay, "invalid_grant", 400)
    assert replay.json["error_description"] == "The authorization code was already used."


def test_a_public_client_refreshes_without_naming_itself(testapp, user, dbsession):
    """RFC 6749 §6: only a confidential client must authenticate to refresh,
    and §3.2.1 asks an unauthenticated client for its client_id in the code
    exchange alone. requests-oauthlib's ``refresh_token()`` sends the
    refresh token and nothing else: that was an ``invalid_client`` 401, so
    a public application's auto-refresh failed unless told to add its
    client_id. The refresh token names its application; a public one's
    refreshes, rotating as ever."""
    flow = signed_in_public_flow(testapp, user)
    verifier, challenge = pkce_pair()
    code = flow.code(code_challenge=challenge, code_challenge_method="S256")
    first = flow.exchange(code, code_verifier=verifier).json
    refreshed = testapp.post("/oauth/token", {"grant_type": "refresh_token",
                                              "refresh_token": first["refresh_token"]})
    assert refreshed.json["token_type"] == "bearer"
    api_me(testapp, refreshed.json["access_token"])
    # Rotated: the first one presented again revokes the family.
    again = testapp.post("/oauth/token", {"grant_type": "refresh_token",
                                          "refresh_token": first["refresh_token"]}, status=400)
    assert_error(again, "invalid_grant", 400)
    api_me(testapp, refreshed.json["access_token"], status=401)


def test_a_public_clients_refresh_reads_its_refresh_token_once(testapp, user, query_counter):
    """The refresh token alone names its public application: one statement
    reads the token's row (with its user's lock) and its application, and
    both client authentication and the refresh token's check use them. The
    token was read twice (5 statements), then the application a second
    time (4); now 3: the token with its application, marking the token
    used, storing the new one."""
    flow = signed_in_public_flow(testapp, user)
    verifier, challenge = pkce_pair()
    code = flow.code(code_challenge=challenge, code_challenge_method="S256")
    first = flow.exchange(code, code_verifier=verifier).json
    query_counter.reset()
    testapp.post("/oauth/token", {"grant_type": "refresh_token",
                                  "refresh_token": first["refresh_token"]})
    hashes = [s for s in query_counter.statements if "refresh_token_hash =" in str(s)]
    assert len(hashes) == 1, query_counter.statements
    assert query_counter.count == 3, query_counter.statements


def test_a_confidential_clients_refresh_reads_its_client_and_token_once(signed_in_flow,
                                                                         query_counter):
    """The application (authenticated by its secret), the token with its
    user's lock, marking the token used, storing the new one."""
    first = signed_in_flow.tokens()
    query_counter.reset()
    signed_in_flow.refresh(first["refresh_token"])
    hashes = [s for s in query_counter.statements if "refresh_token_hash =" in str(s)]
    assert len(hashes) == 1, query_counter.statements
    assert query_counter.count == 4, query_counter.statements


def test_a_confidential_clients_refresh_token_alone_is_invalid_client(signed_in_flow, testapp):
    tokens = signed_in_flow.tokens()
    response = testapp.post("/oauth/token", {"grant_type": "refresh_token",
                                             "refresh_token": tokens["refresh_token"]},
                            status=401)
    assert_error(response, "invalid_client", 401)
    signed_in_flow.refresh(tokens["refresh_token"])  # not used up


def test_a_disabled_public_applications_refresh_token_alone_is_invalid_client(
        testapp, user, dbsession):
    flow = signed_in_public_flow(testapp, user)
    verifier, challenge = pkce_pair()
    code = flow.code(code_challenge=challenge, code_challenge_method="S256")
    tokens = flow.exchange(code, code_verifier=verifier).json
    dbsession.execute(update(Application).values(disabled=True))
    response = testapp.post("/oauth/token", {"grant_type": "refresh_token",
                                             "refresh_token": tokens["refresh_token"]},
                            status=401)
    assert_error(response, "invalid_client", 401)


def test_confidential_client_with_pkce(signed_in_flow):
    verifier, challenge = pkce_pair()
    code = signed_in_flow.code(code_challenge=challenge, code_challenge_method="S256")
    assert_error(signed_in_flow.exchange(code, 400), "invalid_request", 400)
    assert signed_in_flow.exchange(code, code_verifier=verifier).status_int == 200


def test_verifier_without_a_stored_challenge_is_refused(signed_in_flow):
    code = signed_in_flow.code()
    response = signed_in_flow.exchange(code, 400, code_verifier=pkce_pair()[0])
    assert_error(response, "invalid_grant", 400)


@pytest.mark.parametrize("verifier", ["a", "a" * 42, "a" * 129, "a" * 43 + "\n",
                                      "a" * 42 + "+", "a" * 42 + "\u00e9"])
def test_a_verifier_unlike_rfc_7636s_is_refused(testapp, user, verifier):
    """RFC 7636 §4.1: 43 to 128 unreserved characters. A shorter one could be
    found from the challenge, which the authorization request shows: the
    server refuses it (invalid_request), even when it matches."""
    flow = signed_in_public_flow(testapp, user)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    code = flow.code(code_challenge=challenge.decode().rstrip("="),
                     code_challenge_method="S256")
    assert_error(flow.exchange(code, 400, code_verifier=verifier), "invalid_request", 400)


def test_public_client_cannot_skip_pkce_at_the_token_endpoint(testapp, user, dbsession):
    flow = signed_in_public_flow(testapp, user)
    verifier, challenge = pkce_pair()
    code = flow.code(code_challenge=challenge, code_challenge_method="S256")
    # Even if a challenge-less code existed (say, made before the app went public).
    dbsession.execute(update(AuthorizationCode).values(code_challenge=None,
                                                       code_challenge_method=None))
    assert_error(flow.exchange(code, 400), "invalid_request", 400)
    assert_error(flow.exchange(code, 400, code_verifier=verifier), "invalid_grant", 400)


def test_a_public_client_may_name_itself_as_basic_with_an_empty_password(testapp, user):
    """requests-oauthlib's default for a client without a secret: its
    client_id as HTTP Basic's user, the password empty. That proves no more
    than a client_id in the body, and is taken as one: the exchange (PKCE
    still required), the refresh and revocation work. Introspection still
    wants a secret, and a body's client_id must be the same one."""
    flow = signed_in_public_flow(testapp, user)
    verifier, challenge = pkce_pair()
    code = flow.code(code_challenge=challenge, code_challenge_method="S256")
    names_itself = basic(flow.application.client_id, "")
    params = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI}
    no_verifier = testapp.post("/oauth/token", params, headers=names_itself, status=400)
    assert_error(no_verifier, "invalid_request", 400)
    other_id = testapp.post("/oauth/token", {**params, "code_verifier": verifier,
                                             "client_id": uuid.uuid4().hex},
                            headers=names_itself, status=401)
    assert_error(other_id, "invalid_client", 401)
    body = testapp.post("/oauth/token", {**params, "code_verifier": verifier},
                        headers=names_itself).json
    api_me(testapp, body["access_token"])
    refreshed = testapp.post("/oauth/token", {"grant_type": "refresh_token",
                                              "refresh_token": body["refresh_token"]},
                             headers=names_itself).json
    assert refreshed["refresh_token"] != body["refresh_token"]
    testapp.post("/oauth/introspect", {"token": refreshed["access_token"]},
                 headers=names_itself, status=401)
    testapp.post("/oauth/revoke", {"token": refreshed["refresh_token"]}, headers=names_itself)
    api_me(testapp, refreshed["access_token"], status=401)


def test_basic_with_an_empty_password_does_not_authenticate_a_confidential_client(
        signed_in_flow, testapp):
    code = signed_in_flow.code()
    params = signed_in_flow.token_params(code, client_secret=None)
    headers = basic(signed_in_flow.application.client_id, "")
    response = testapp.post("/oauth/token", params, headers=headers, status=401)
    assert_error(response, "invalid_client", 401)
    assert signed_in_flow.exchange(code).status_int == 200


def test_refresh_rotates_the_refresh_token(signed_in_flow, testapp):
    first = signed_in_flow.tokens()
    second = signed_in_flow.refresh(first["refresh_token"]).json
    assert set(second) == {"access_token", "token_type", "expires_in", "refresh_token", "scope"}
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert HEX64.match(second["refresh_token"])
    assert second["token_type"] == "bearer" and second["scope"] == "read write"
    third = signed_in_flow.refresh(second["refresh_token"]).json
    api_me(testapp, third["access_token"])


def test_reused_refresh_token_revokes_the_whole_family(signed_in_flow, testapp):
    first = signed_in_flow.tokens()
    second = signed_in_flow.refresh(first["refresh_token"]).json
    assert_error(signed_in_flow.refresh(first["refresh_token"], 400), "invalid_grant", 400)
    api_me(testapp, second["access_token"], status=401)
    api_me(testapp, first["access_token"], status=401)
    assert_error(signed_in_flow.refresh(second["refresh_token"], 400), "invalid_grant", 400)


def test_a_rotated_refresh_token_presented_again_is_told_it_was_already_used(
        signed_in_flow, testapp):
    """Its client learns why its tokens stopped working, as the loser of two
    parallel refreshes was told; it got the generic invalid_grant. Another
    client presenting it still learns nothing."""
    first = signed_in_flow.tokens()
    signed_in_flow.refresh(first["refresh_token"])
    other, secret = factories.make_application()
    other_flow = Flow(testapp, other, secret, signed_in_flow.user)
    refused = other_flow.refresh(first["refresh_token"], 400)
    assert refused.json["error_description"] == ERROR_DESCRIPTIONS["invalid_grant"]
    again = signed_in_flow.refresh(first["refresh_token"], 400)
    assert_error(again, "invalid_grant", 400)
    assert again.json["error_description"] == "The refresh token was already used."


@pytest.mark.parametrize("presenter, description", [
    (lambda flow: flow, "The refresh token was already used."),
    (other_client, ERROR_DESCRIPTIONS["invalid_grant"]),
    (public_client, ERROR_DESCRIPTIONS["invalid_grant"]),
], ids=["its own client", "another confidential client", "a public client"])
def test_a_rotated_refresh_token_presented_by_any_client_revokes_its_family(
        signed_in_flow, testapp, presenter, description):
    """API.md §2: presenting a rotated refresh token again revokes its whole
    family, whoever presents it; another client's presentation was refused
    before the token's use was looked at, and the family kept working. Only
    the token's own client is told why."""
    first = signed_in_flow.tokens()
    second = signed_in_flow.refresh(first["refresh_token"]).json
    refused = presenter(signed_in_flow).refresh(first["refresh_token"], 400)
    assert_error(refused, "invalid_grant", 400)
    assert refused.json["error_description"] == description
    api_me(testapp, second["access_token"], status=401)
    assert_error(signed_in_flow.refresh(second["refresh_token"], 400), "invalid_grant", 400)


def test_refresh_token_of_another_client_is_refused(signed_in_flow, testapp):
    first = signed_in_flow.tokens()
    other, secret = factories.make_application()
    other_flow = Flow(testapp, other, secret, signed_in_flow.user)
    assert_error(other_flow.refresh(first["refresh_token"], 400), "invalid_grant", 400)
    assert signed_in_flow.refresh(first["refresh_token"]).status_int == 200


def test_expired_refresh_token_is_refused(signed_in_flow, dbsession):
    first = signed_in_flow.tokens()
    dbsession.execute(
        update(Token).values(refresh_expires_at=utcnow() - datetime.timedelta(seconds=1))
    )
    assert_error(signed_in_flow.refresh(first["refresh_token"], 400), "invalid_grant", 400)


def test_refresh_may_narrow_scopes_but_not_widen_them(signed_in_flow, testapp):
    first = signed_in_flow.tokens()
    narrowed = signed_in_flow.refresh(first["refresh_token"], scope="read").json
    assert narrowed["scope"] == "read"
    api_me(testapp, narrowed["access_token"])
    read_only = signed_in_flow.tokens(scope="read")
    response = signed_in_flow.refresh(read_only["refresh_token"], 400, scope="read write")
    assert_error(response, "invalid_scope", 400)


def test_a_narrowed_refresh_keeps_the_refresh_tokens_scope(signed_in_flow, testapp, dbsession):
    """RFC 6749 §6: a new refresh token's scope MUST be identical to the one
    presented. A refresh that asks for less narrows the access token only:
    the next refresh may ask for everything the user approved again."""
    first = signed_in_flow.tokens()
    narrowed = signed_in_flow.refresh(first["refresh_token"], scope="read").json
    assert narrowed["scope"] == "read"
    widened_again = signed_in_flow.refresh(narrowed["refresh_token"], scope="read write").json
    assert widened_again["scope"] == "read write"
    signed_in_flow.refresh(widened_again["refresh_token"], scope="read")
    again = signed_in_flow.refresh(widened_again["refresh_token"], 400)  # rotated: refused
    assert_error(again, "invalid_grant", 400)


def test_a_narrowed_refresh_token_is_introspected_with_its_own_scope(signed_in_flow, testapp):
    first = signed_in_flow.tokens()
    narrowed = signed_in_flow.refresh(first["refresh_token"], scope="read").json
    auth = basic(signed_in_flow.application.client_id, signed_in_flow.secret)
    for kind, scope in (("access_token", "read"), ("refresh_token", "read write")):
        answer = testapp.post("/oauth/introspect", {"token": narrowed[kind]},
                              headers=auth).json
        assert (answer["active"], answer["scope"]) == (True, scope)


def test_scopes_default_to_read_and_write(signed_in_flow):
    assert signed_in_flow.tokens()["scope"] == "read write"
    assert signed_in_flow.tokens(scope="write read")["scope"] == "read write"
    assert signed_in_flow.tokens(scope="read")["scope"] == "read"


def test_token_exchange_query_count(backend, signed_in_flow, testapp, query_counter):
    params = signed_in_flow.token_params(signed_in_flow.code())
    query_counter.reset()
    testapp.post("/oauth/token", params)
    # The client with its code; then consuming the code and storing the new
    # token: one statement on PostgreSQL (an UPDATE in a WITH clause), two
    # on SQLite.
    expected = 2 if backend == "postgresql" else 3
    assert query_counter.count == expected, query_counter.statements


def test_an_exchange_marks_its_code_used_and_changes_nothing_else(signed_in_flow, dbsession):
    code = signed_in_flow.code()
    columns = AuthorizationCode.__table__.c
    before = dbsession.execute(select(columns)).one()._asdict()
    assert before["used_at"] is None
    signed_in_flow.exchange(code)
    after = dbsession.execute(select(columns)).one()._asdict()
    assert after.pop("used_at") is not None
    before.pop("used_at")
    assert after == before
    token = dbsession.execute(select(Token)).scalar_one()
    assert (token.authorization_code_id, token.user_id, token.application_id) == (
        before["id"], before["user_id"], before["application_id"])
    assert token.scopes == before["scopes"]


# Each kind of bad PKCE request, where it is refused and with what error
# (RFC 7636 §4.4.1, §4.6; API.md §2): at the authorization endpoint, by
# redirect; at the token endpoint, in the JSON body.
BAD_CHALLENGES = {
    "no method, so plain": ({"code_challenge": "a" * 43}, "invalid_request"),
    "plain": ({"code_challenge": "a" * 43, "code_challenge_method": "plain"},
              "invalid_request"),
    "another method": ({"code_challenge": "a" * 43, "code_challenge_method": "S512"},
                       "invalid_request"),
    "too short": ({"code_challenge": "a" * 42, "code_challenge_method": "S256"},
                  "invalid_request"),
    "none from a public client": ({}, "invalid_request"),
}


@pytest.mark.parametrize("kind", BAD_CHALLENGES)
def test_each_kind_of_bad_code_challenge_is_refused(testapp, user, kind):
    params, error = BAD_CHALLENGES[kind]
    flow = signed_in_public_flow(testapp, user)
    url = authorization_url(flow.application.client_id, state="k", **params)
    query = query_of(testapp.get(url, status=302).location)
    assert (query["error"], query["state"]) == (error, "k")
    assert "code" not in query


BAD_VERIFIERS = {
    "none": (None, "invalid_request"),
    "another": ("b" * 43, "invalid_grant"),
    "the challenge itself, as plain would take it": ("challenge", "invalid_grant"),
    "too short": ("a" * 42, "invalid_request"),
}


@pytest.mark.parametrize("kind", BAD_VERIFIERS)
def test_each_kind_of_bad_code_verifier_is_refused(testapp, user, kind):
    verifier, error = BAD_VERIFIERS[kind]
    flow = signed_in_public_flow(testapp, user)
    good, challenge = pkce_pair()
    code = flow.code(code_challenge=challenge, code_challenge_method="S256")
    if verifier == "challenge":
        verifier = challenge
    assert_error(flow.exchange(code, 400, code_verifier=verifier), error, 400)
    assert flow.exchange(code, code_verifier=good).status_int == 200  # not used up

