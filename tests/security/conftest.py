"""The security tests stand in the API tests' ``world`` and reuse the live
server of the end-to-end tests; nothing here builds a second copy of either."""
from tests.api.conftest import world  # noqa: F401
from tests.e2e.conftest import live_server  # noqa: F401
