"""What a process keeps between requests, one entry per owner (a cohort, a learner), while
a key read from the database says it still holds.

Nothing is ever invalidated: a caller reads the key that describes the owner's
state now (their change stamps, `progress.models.ChangeStamp`, the content
version, the day) and gets back what was kept at that key, or None. The least
recently used owners are dropped first once the entries weigh more than `limit`.
"""

from collections import OrderedDict
from collections.abc import Callable


class Kept:
    def __init__(self, limit: int, weigh: Callable[[object], int] = lambda value: 1):
        self.limit = limit
        self.weigh = weigh
        self._entries: OrderedDict[object, tuple[object, object]] = OrderedDict()

    def get(self, owner, key):
        """What was kept for `owner` at `key`; None when nothing was, or at another key."""
        entry = self._entries.get(owner)
        if entry is None or entry[0] != key:
            return None
        self._entries.move_to_end(owner)
        return entry[1]

    def put(self, owner, key, value) -> None:
        self._entries[owner] = (key, value)
        self._entries.move_to_end(owner)
        while (
            len(self._entries) > 1
            and sum(self.weigh(kept) for _key, kept in self._entries.values()) > self.limit
        ):
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()

    def __iter__(self):
        """The owners, the least recently used first."""
        return iter(self._entries)
