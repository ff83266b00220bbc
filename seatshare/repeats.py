"""A log line that repeats with every request under load or through an
outage, let through once per interval with how many more there were, not
thousands a minute."""
import threading
import time

# Seconds between two lines of one kind, at the least.
INTERVAL = 60
# Kinds remembered before those whose interval is over are forgotten.
MOST_KINDS = 1000


def now() -> float:
    return time.monotonic()


class Repeats:
    """When each kind of line was last let through, and how many were held
    back since. A burst's count is told with the next line of its kind."""

    def __init__(self, interval: int = INTERVAL):
        self.interval = interval
        self.lock = threading.Lock()
        self.kinds = {}  # kind: [let through at, held back since, greatest value held]

    def note(self, kind, value: int = 0, greatest: str = "") -> str | None:
        """What to add to a line of ``kind``, or None to hold it back (one
        went through less than the interval ago). ``greatest``, a format for
        one number, says the greatest ``value`` among the lines held back."""
        with self.lock:
            moment = now()
            last = self.kinds.get(kind)
            if last is not None and moment - last[0] < self.interval:
                last[1] += 1
                last[2] = max(last[2], value)
                return None
            if len(self.kinds) >= MOST_KINDS:
                self.kinds = {k: v for k, v in self.kinds.items()
                              if moment - v[0] < self.interval}
            self.kinds[kind] = [moment, 0, 0]
        if last is None or not last[1]:
            return f"(logged at most once every {self.interval} s, with how many more there were)"
        held = f"{last[1]} more in the {round(moment - last[0])} s since the last such line"
        return f"({held}, {greatest % last[2]})" if greatest else f"({held})"
