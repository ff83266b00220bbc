"""The request class: Pyramid's Request with the properties that
``config.add_request_method(..., reify=True)`` registers (``dbsession``,
``tm``, ``oauth_server``, ``effective_principals``, ...) as its own.

Pyramid applies such properties to each request by creating a new class for
it (``InstancePropertyHelper.apply_properties``): a ``type()`` call on every
request, and a class whose attribute lookups start with an empty method
cache. The same descriptors on one class made once at start behave alike
(each is computed on first use and kept on the request) for the router,
``pyramid_retry``'s new attempts and ``pyramid.scripting.prepare`` alike,
which all make requests with the registered request factory.
"""
from pyramid.interfaces import IRequestExtensions, IRequestFactory
from pyramid.request import Request


def fold_request_properties(registry) -> None:
    """Make the registered request factory a class carrying the registered
    request properties, and leave Pyramid only the methods to apply per
    request. Call once every include has been committed."""
    extensions = registry.queryUtility(IRequestExtensions)
    if extensions is None or not extensions.descriptors:
        return
    base = registry.queryUtility(IRequestFactory, default=Request)
    request_class = type(base.__name__, (base,), {
        "__module__": base.__module__, **extensions.descriptors,
    })
    registry.registerUtility(request_class, IRequestFactory)
    extensions.descriptors = {}
