"""Runs inside the signalwire-sdk venv (stdlib + the SDK only): lists ``client.video``'s
methods, or makes the calls it reads as JSON on stdin against ``argv[1]`` (a loopback
host:port), printing one JSON result per call."""

from __future__ import annotations

import contextlib
import inspect
import json
import sys
from typing import Any


def _client(host: str) -> Any:
    from signalwire.rest import RestClient

    return RestClient(project="p", token="t", host=host)


def _methods(client: Any) -> dict[str, Any]:
    out = {}
    for group, resource in sorted(vars(client.video).items()):
        for name, _function in inspect.getmembers(type(resource), inspect.isfunction):
            if not name.startswith("_"):
                out[f"video.{group}.{name}"] = getattr(resource, name)
    return out


def _describe(method: Any) -> dict[str, Any]:
    params = []
    for p in inspect.signature(method).parameters.values():
        params.append(
            {
                "name": p.name,
                "kind": p.kind.name,
                "required": p.default is inspect.Parameter.empty,
            }
        )
    return {"params": params}


def main() -> None:
    client = _client(sys.argv[1])
    methods = _methods(client)
    if sys.argv[2] == "list":
        print(json.dumps({name: _describe(m) for name, m in methods.items()}))
        return
    from urllib.error import HTTPError
    from urllib.request import urlopen

    for index, call in enumerate(json.load(sys.stdin)):
        # the capture server knows no such operation: it answers 404, recorded all the same
        with contextlib.suppress(HTTPError):
            urlopen(f"http://{sys.argv[1]}/__wire_mark__/{index}").read()
        try:
            result = methods[call["name"]](*call["args"], **call["kwargs"])
            if inspect.isgenerator(result) or hasattr(result, "__next__"):
                next(iter(result), None)
            print(json.dumps({"ok": True}))
        except Exception as exc:  # reported to the test, which decides
            print(json.dumps({"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
