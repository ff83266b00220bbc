"""The ``WWW-Authenticate`` challenges SeatShare sends on a 401."""

# The realm of every challenge SeatShare sends (RFC 7235 §2.2): the API's
# Bearer one and the OAuth endpoints' Basic one.
REALM = "seatshare"
BEARER_CHALLENGE = f'Bearer realm="{REALM}"'
# RFC 6749 §5.2: the 401 of ``invalid_client`` challenges the scheme the
# client authenticated with; the only header scheme a client can use here is
# HTTP Basic (§2.3.1), so the challenge is Basic, where oauthlib sends RFC
# 6750's Bearer (a resource server's). A client that sent its credentials in
# the body, or none, gets the same Basic challenge: a 401 must carry one (RFC
# 7235 §3.1), and §5.2 lets it name the scheme the server supports.
CLIENT_CHALLENGE = f'Basic realm="{REALM}"'
