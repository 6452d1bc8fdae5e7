"""Running the async client from synchronous code: one private event loop in a thread.

The sync client is a thin wrapper: every call is the async client's coroutine run on
this loop, so there is one implementation of the protocol.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Coroutine, Iterator
from typing import Any, Final, TypeVar

from .errors import APIConnectionError

__all__ = ["LoopThread", "iterate_events"]

_T = TypeVar("_T")

_STOP_TIMEOUT: Final = 5.0


class LoopThread:
    """An event loop running in a daemon thread, for as long as the sync client lives."""

    def __init__(self, name: str) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name=name, daemon=True)
        self._thread.start()
        self._closed = False

    def run(self, coroutine: Coroutine[Any, Any, _T]) -> _T:
        """Run ``coroutine`` on the loop and return its result (or raise its error)."""
        if self._closed:
            coroutine.close()
            raise APIConnectionError("the client is closed")
        if threading.current_thread() is self._thread:
            coroutine.close()
            raise RuntimeError("a sync client cannot be used from its own event loop")
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        try:
            return future.result()
        except BaseException:
            future.cancel()
            raise

    def close(self) -> None:
        """Stop the loop and join its thread (idempotent)."""
        if self._closed:
            return
        self._closed = True
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(_STOP_TIMEOUT)
        if not self._thread.is_alive():
            self._loop.close()


async def _next_or_none(iterator: Any, timeout: float | None) -> tuple[bool, Any]:
    try:
        item = await asyncio.wait_for(_anext(iterator), timeout)
    except (StopAsyncIteration, TimeoutError):
        return False, None
    return True, item


def _anext(iterator: Any) -> Awaitable[Any]:
    awaitable: Awaitable[Any] = iterator.__anext__()
    return awaitable


def iterate_events(runner: LoopThread, stream: Any, timeout: float | None) -> Iterator[Any]:
    """Yield from an async event stream; stop once ``timeout`` seconds pass without one."""
    try:
        while True:
            received, item = runner.run(_next_or_none(stream, timeout))
            if not received:
                return
            yield item
    finally:
        if not runner._closed:
            runner.run(stream.aclose())
