"""HEAD is safe (RFC 9110 §9.2.1): it answers what GET would, and changes nothing.

Pyramid serves HEAD with a resource's GET view (the body left off), and a
few GET views change something as they answer: the authorization endpoint
issues a code for a remembered approval, and the pages take their one-time
notices out of the session cookie, which a GET also renews. For HEAD, the
request's transaction is doomed, so whatever it wrote (a code, an approval,
a throttling count, a mail) is rolled back, and the response sets no
cookie, so the browser's session keeps its notices, its CSRF token and its
expiry. (The token endpoint refuses HEAD: see ``seatshare.oauth.views.token``.)

A tween, not event subscribers: while no subscriber is registered, Pyramid
notifies none of the five events of a request (NewRequest ... NewResponse),
which cost more than the tweens (``web.headers`` is one too).
"""
from pyramid.tweens import EXCVIEW


def drop_cookies(request, response) -> None:
    if "Set-Cookie" in response.headers:
        del response.headers["Set-Cookie"]  # every one of them


def head_tween_factory(handler, registry):
    def head_tween(request):
        if request.method != "HEAD":
            return handler(request)
        # Under pyramid_tm, which began the transaction; before traversal
        # and the view.
        if request.environ.get("tm.active"):
            request.tm.doom()
        response = handler(request)
        # Added once the view's own callbacks are (the session's cookie is
        # set by one), so it runs after them.
        request.add_response_callback(drop_cookies)
        return response

    return head_tween


def includeme(config):
    config.add_tween("seatshare.head.head_tween_factory", under="pyramid_tm.tm_tween_factory",
                     over=EXCVIEW)
