"""The README's coverage table: every operation of ours against the official SDKs' methods.

``python -m tests.wire.coverage`` prints it; ``--write`` puts it into README.md between the
markers (`test_coverage.py` fails when README.md is not current). Our side is read from the
generated packages' operations, the SDKs' by introspection (telnyx in-process, signalwire-sdk
in its own venv), mapped to the spec's operations by HTTP method and path.
"""

from __future__ import annotations

import sys

import telnyx  # the official SDK: a dev dependency, pinned in constraints.txt

from confgen_signalwire import SignalWire
from confgen_telnyx import Telnyx
from tests.wire import signalwire_side, telnyx_side
from tests.wire.capture import capture_server
from tests.wire.spec import ROOT, operations, our_method_names, responder

README = ROOT / "README.md"
START = "<!-- wire-coverage:start (python -m tests.wire.coverage --write) -->"
END = "<!-- wire-coverage:end -->"


def telnyx_map() -> tuple[dict[str, str], dict[str, list[str]]]:
    ours = our_method_names("telnyx", Telnyx(api_key="k", base_url="http://127.0.0.1:9"))
    theirs: dict[str, list[str]] = {}
    sdk = telnyx.Telnyx(api_key="k", base_url="http://127.0.0.1:9", max_retries=0)
    for name, (_, method, template) in telnyx_side.sdk_methods(sdk).items():
        op = telnyx_side.spec_operation(method, template)
        theirs.setdefault(op.operation_id if op else "", []).append(name)
    return ours, theirs


def signalwire_map() -> tuple[dict[str, str], dict[str, list[str]]]:
    ours = our_method_names(
        "signalwire", SignalWire(project_id="p", api_token="t", base_url="http://127.0.0.1:9")
    )
    theirs: dict[str, list[str]] = {}
    with capture_server(responder("signalwire")) as (base, seen):
        for name, (op, _) in signalwire_side.probe(base, seen).items():
            theirs.setdefault(op.operation_id if op else "", []).append(name)
    return ours, theirs


def table(provider: str, title: str, ours: dict[str, str], theirs: dict[str, list[str]]) -> str:
    sdk_total = sum(len(v) for v in theirs.values())
    covered = sum(len(v) for k, v in theirs.items() if k in ours)
    lines = [
        f"#### {title}",
        "",
        f"{len(ours)} operations of ours; the official SDK's {sdk_total} methods: "
        f"{covered} covered by ours.",
        "",
        "| Operation | HTTP | Ours (`client.…`, sync and async) | Official SDK (`client.…`) |",
        "|---|---|---|---|",
    ]
    for op in operations(provider):
        mine = f"`{ours[op.operation_id]}`" if op.operation_id in ours else "—"
        sdk = ", ".join(f"`{n}`" for n in sorted(theirs.get(op.operation_id, []))) or "—"
        lines.append(f"| {op.operation_id} | `{op.method} {op.path}` | {mine} | {sdk} |")
    for name in sorted(theirs.get("", [])):
        lines.append(f"| (none in the spec) | | — | `{name}` |")
    return "\n".join(lines)


def render() -> str:
    parts = [
        table("telnyx", "Telnyx (official SDK: telnyx 4.189.0)", *telnyx_map()),
        table("signalwire", "SignalWire (official SDK: signalwire-sdk 3.7.5)", *signalwire_map()),
    ]
    return "\n\n".join(parts) + "\n"


def spliced(readme: str, body: str) -> str:
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{body}{END}{tail}"


def main(argv: list[str]) -> int:
    body = render()
    if "--write" in argv:
        README.write_text(spliced(README.read_text(), body))
    else:
        sys.stdout.write(body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
