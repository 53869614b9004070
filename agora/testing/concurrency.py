"""Run the same function in several threads that start together (concurrency tests)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def run_concurrently(func: Callable[[], T], count: int, timeout: float = 120.0) -> list[T]:
    """Call ``func`` in ``count`` threads released at the same moment; return their results
    (in completion order). Re-raises the first error any thread hit."""
    barrier = threading.Barrier(count)
    lock = threading.Lock()
    results: list[T] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            result = func()
            with lock:
                results.append(result)
        except BaseException as exc:  # handed to the caller below
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    if errors:
        raise errors[0]
    if any(thread.is_alive() for thread in threads):
        raise TimeoutError(f"threads still running after {timeout} s")
    return results
