"""Sans-I/O plans for the facade's verbs, and the two short loops that run them.

An adapter writes each verb once, as a generator that yields what it needs done and
returns the verb's result:

- ``result = yield Call("RetrieveConference", {"id": ...})``: call one generated
  method (named by its operation id in the package's index) and get its return value;
- ``yield EachItem(Call(...), convert)``: call a paginated method and emit every item
  of every page (the generated page objects fetch the next pages), converted;
- ``yield Emit(items)``: emit items the plan already has (a provider whose list comes
  in one message, or whose pages the generated client does not follow).

`run` and `iterate` drive a plan over a sync client, `arun` and `aiterate` over the
async one: the plan cannot tell which, so sync and async never drift apart. Every
generated exception leaves as its facade error (`ProviderAdapter.normalised_errors`).
"""

from __future__ import annotations

import operator
from collections.abc import AsyncIterator, Callable, Generator, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Generic, Protocol, TypeVar

__all__ = ["Call", "EachItem", "Emit", "Plan", "aiterate", "arun", "iterate", "run"]

_T = TypeVar("_T")
_V = TypeVar("_V")


@dataclass(frozen=True, slots=True)
class Call:
    """One generated method, by the operation id the package's index lists it under."""

    operation_id: str
    arguments: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class EachItem:
    """Every item of a paginated call's pages, each passed through ``convert``."""

    call: Call
    convert: Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class Emit:
    """Items to emit as they are (already converted)."""

    items: Sequence[Any]


class ProviderAdapter(Protocol):
    """What the loops need of an adapter (`conferencing.providers._base.ProviderAdapter`)."""

    @property
    def name(self) -> str: ...

    @property
    def index(self) -> ModuleType: ...

    def normalised_errors(self) -> AbstractContextManager[None]: ...


Step = Call | EachItem | Emit
Plan = Generator[Step, Any, _T]
"""A verb as the adapter writes it: steps out, results in, the verb's result returned."""


def _method(adapter: ProviderAdapter, client: Any, call: Call) -> Callable[..., Any]:
    attribute: str = adapter.index.operation(call.operation_id).attribute
    method: Callable[..., Any] = operator.attrgetter(attribute)(client)
    return method


def run(adapter: ProviderAdapter, client: Any, plan: Plan[_T]) -> _T:
    """Drive a plan that emits nothing over a sync client; its result."""
    result = _Result[_T]()
    for item in _drive(adapter, client, plan, result):
        raise TypeError(f"{adapter.name}: a plan for a single result emitted {item!r}")
    return result.value


def iterate(adapter: ProviderAdapter, client: Any, plan: Plan[None]) -> Iterator[Any]:
    """Drive a listing plan over a sync client, yielding what it emits."""
    yield from _drive(adapter, client, plan, _Result[None]())


async def arun(adapter: ProviderAdapter, client: Any, plan: Plan[_T]) -> _T:
    """`run` over an async client."""
    result = _Result[_T]()
    async for item in _adrive(adapter, client, plan, result):
        raise TypeError(f"{adapter.name}: a plan for a single result emitted {item!r}")
    return result.value


async def aiterate(adapter: ProviderAdapter, client: Any, plan: Plan[None]) -> AsyncIterator[Any]:
    """`iterate` over an async client."""
    async for item in _adrive(adapter, client, plan, _Result[None]()):
        yield item


class _Result(Generic[_V]):
    """Where a driver leaves the plan's return value."""

    value: _V


def _drive(
    adapter: ProviderAdapter, client: Any, plan: Plan[Any], result: _Result[Any]
) -> Iterator[Any]:
    reply: Any = None
    while True:
        try:
            step = plan.send(reply)
        except StopIteration as stop:
            result.value = stop.value
            return
        reply = None
        with adapter.normalised_errors():
            if isinstance(step, Call):
                reply = _method(adapter, client, step)(**step.arguments)
                continue
            if isinstance(step, Emit):
                items: Iterator[Any] = iter(step.items)
            else:
                pages = _method(adapter, client, step.call)(**step.call.arguments)
                items = (step.convert(item) for item in pages)
        while True:
            with adapter.normalised_errors():  # the next page is fetched here
                item = next(items, _DONE)
            if item is _DONE:
                break
            yield item


async def _adrive(
    adapter: ProviderAdapter, client: Any, plan: Plan[Any], result: _Result[Any]
) -> AsyncIterator[Any]:
    reply: Any = None
    while True:
        try:
            step = plan.send(reply)
        except StopIteration as stop:
            result.value = stop.value
            return
        reply = None
        if isinstance(step, Emit):
            for item in step.items:
                yield item
            continue
        call = step if isinstance(step, Call) else step.call
        with adapter.normalised_errors():
            reply = await _method(adapter, client, call)(**call.arguments)
        if isinstance(step, Call):
            continue
        pages, reply = aiter(reply), None
        while True:
            with adapter.normalised_errors():  # the next page is fetched here
                try:
                    item = await anext(pages)
                except StopAsyncIteration:
                    break
            yield step.convert(item)


_DONE: Any = object()
