"""The review's tests stand in the API suite's world, with its checked TestApp."""
from ..api.conftest import testapp, world  # noqa: F401
