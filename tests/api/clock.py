"""Tests that need the clock to stay within one second."""
from seatshare.models import utcnow


def within_one_second(attempt, tries=20):
    """``attempt(second)``, ``second`` being now to the whole second, run
    again until it ends within that second (it nearly always does at once):
    for what an API answers about a time as it writes times, in whole
    seconds."""
    for _ in range(tries):
        second = utcnow().replace(microsecond=0)
        result = attempt(second)
        if utcnow().replace(microsecond=0) == second:
            return result
    raise AssertionError(f"{tries} tries each outlasted their second")
