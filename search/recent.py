"""Answers worked out once and kept for the latest questions: a bounded, thread-safe memo."""

import threading
from collections import OrderedDict


class Recent:
    """The latest `size` answers, each worked out once (by `get`'s `work_out`)."""

    def __init__(self, size: int):
        self.size, self.entries, self.lock = size, OrderedDict(), threading.Lock()

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
            self.entries[key] = found
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
