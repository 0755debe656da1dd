"""Answers worked out once and kept for the latest questions: a bounded, thread-safe memo."""

import threading
from collections import OrderedDict


class Recent:
    """The latest answers, each worked out once (by `get`'s `work_out`): at most `size` of them
    and, if answers have a `weight` (bytes, say), at most `budget` of it in all; the newest is
    always kept."""

    def __init__(self, size: int | None = None, *, budget: int | None = None, weight=None):
        self.size, self.budget, self.weight = size, budget, weight
        self.entries, self.lock = OrderedDict(), threading.Lock()
        self.held = 0  # the weight of the answers kept

    def __iter__(self):
        with self.lock:
            return iter(list(self.entries))

    def get(self, key, work_out):
        with self.lock:
            try:
                # One look-up when the answer is kept (a search asks some hundred of them).
                self.entries.move_to_end(key)
                return self.entries[key]
            except KeyError:
                pass
        found = work_out()
        self.put(key, found)
        return found

    def put(self, key, found) -> None:
        with self.lock:
            if self.weight is not None:
                if key in self.entries:
                    self.held -= self.weight(self.entries[key])
                self.held += self.weight(found)
            self.entries[key] = found
            self.entries.move_to_end(key)
            entries = self.entries
            while len(entries) > 1 and (
                (self.size is not None and len(entries) > self.size)
                or (self.budget is not None and self.held > self.budget)
            ):
                self._forget(entries.popitem(last=False)[1])

    def drop(self, unwanted) -> None:
        """Forget the answers whose keys `unwanted(key)` is true of."""
        with self.lock:
            for key in [key for key in self.entries if unwanted(key)]:
                self._forget(self.entries.pop(key))

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.held = 0

    def _forget(self, found) -> None:
        if self.weight is not None:
            self.held -= self.weight(found)
