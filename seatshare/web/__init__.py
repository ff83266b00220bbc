"""The HTML side: the signed-cookie session, sign-in, sign-up and consent pages."""
from pyramid.session import JSONSerializer, SignedCookieSessionFactory

from ..settings import as_bool
from .devices import cookie_name
from .forms import TextTokenCSRFPolicy


def includeme(config):
    settings = config.get_settings()
    secure = as_bool(settings.get("seatshare.session_secure", False))
    config.set_session_factory(
        SignedCookieSessionFactory(
            settings["seatshare.session_secret"],
            cookie_name=cookie_name("seatshare_session", secure),
            secure=secure,
            httponly=True,
            samesite="Lax",
            timeout=7 * 24 * 3600,
            reissue_time=3600,
            serializer=JSONSerializer(),
        )
    )
    # Forms carry the session's CSRF token (views say require_csrf=True).
    # Pyramid's extra Origin/Referer check cannot work beside the pages'
    # Referrer-Policy: no-referrer, under which browsers post "Origin: null";
    # the token check alone protects the forms. No API view uses CSRF.
    config.set_default_csrf_options(require_csrf=False, check_origin=False)
    config.set_csrf_storage_policy(TextTokenCSRFPolicy())
    config.include("seatshare.passwords")
    config.include(".headers")
    config.scan(__name__)
