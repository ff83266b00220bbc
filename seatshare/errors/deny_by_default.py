"""Deny by default: a view declared without a permission refuses to start."""
from pyramid.exceptions import ConfigurationError


def require_explicit_permission(view, info):
    """Deny by default: refuse at start-up a view declared without a permission.

    ``NO_PERMISSION_REQUIRED`` says so explicitly and is allowed. Exception
    views are exempt: they answer errors, they grant nothing.
    """
    if is_exception_view(info):
        return view
    if info.options.get("permission") is None:
        name = getattr(info.original_view, "__qualname__", repr(info.original_view))
        raise ConfigurationError(f"view {name} is declared without a permission")
    return view


def is_exception_view(info) -> bool:
    """Whether the view being derived answers an exception (a 404, a 403,
    an error): declared as one, or for an exception class as its context."""
    context = info.options.get("context")
    return info.exception_only or (
        isinstance(context, type) and issubclass(context, BaseException)
    )
