"""The WebSocket target's IR (`WsApi`) -> the files of one client package (unformatted).

Templates come from ``generator/confgen/codegen/ws/templates/`` (plus the shared file header), the
runtime from ``generator/confgen/codegen/ws/runtime/`` (plus the files it shares with the HTTP
runtime), models from `confgen.codegen.models.render_models`.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2

from confgen.codegen import escape
from confgen.codegen.escape import docstring
from confgen.codegen.models import render_models
from confgen.codegen.naming import python_identifier
from confgen.codegen.project import (
    HTTPX,
    MANIFEST_ADVICE,
    PYDANTIC,
    WEBSOCKETS,
    Project,
    distribution_of,
    package_version,
    project_files,
)
from confgen.codegen.runtimes import WS_RUNTIME, runtime_files
from confgen.codegen.ws.ir import WsApi, WsCommand
from confgen.codegen.ws.load import load_ws_api

__all__ = ["ERROR_NAMES", "WS_TEMPLATES", "render_ws_package", "render_ws_target"]

WS_TEMPLATES = Path(__file__).resolve().parent / "templates"
#: Templates both targets include (the file header).
SHARED_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def _declared_all(module: Path) -> tuple[str, ...]:
    """A module's ``__all__``, read without importing it (the WebSocket runtime imports the
    shared files, which it has only once copied into a package)."""
    for node in ast.parse(module.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "__all__" for target in node.targets
        ):
            return tuple(ast.literal_eval(node.value))
    raise ValueError(f"{module} declares no __all__")


#: The public errors of ``generator/confgen/codegen/ws/runtime/errors.py``, re-exported by ``errors.py``.
ERROR_NAMES = _declared_all(WS_RUNTIME / "errors.py")


@functools.cache
def _environment() -> jinja2.Environment:
    """The templates' environment, built once (compiling the templates is most of a
    small package's rendering time)."""
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [
                jinja2.FileSystemLoader(str(WS_TEMPLATES)),
                jinja2.FileSystemLoader(str(SHARED_TEMPLATES)),
            ]
        ),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
        finalize=escape.finalize,
    )
    escape.install(env)
    return env


def _method_docstring(command: WsCommand) -> str:
    sections = [(a.name, a.description) for a in command.arguments]
    sections.append(("timeout", "Seconds for each wait of this call (reply, notification)."))
    body = textwrap.fill(command.description, width=88, break_long_words=False)
    return docstring(command.summary or command.method, body, sections)


def _envelope_field(wire: str) -> str:
    """The `UnknownEvent` field for an envelope key: the key itself when it is a plain
    identifier pydantic accepts as a field, else a sanitised name (with the key as alias)."""
    name = python_identifier(wire, reserved=("model_config", "model_fields", "model_extra"))
    if name.startswith("_") or name.startswith("model_"):
        name = "field" + name if name.startswith("_") else name + "_"
    return name


def render_ws_package(
    api: WsApi,
    import_path: str,
    distribution: str | None = None,
    spec_version: str = "0",
    regenerate_advice: str = MANIFEST_ADVICE,
) -> dict[str, bytes]:
    """Every file of the package, by path relative to the package folder (unformatted)."""
    env = _environment()
    env.globals["regenerate_advice"] = regenerate_advice
    header = env.get_template("header.jinja").render(api=api)
    header = header if header.endswith("\n") else header + "\n"
    annotations = [a.annotation for c in api.commands for a in c.arguments]
    error_names = sorted(ERROR_NAMES)
    common = {
        "api": api,
        "import_path": import_path,
        "error_names": error_names,
        "exports": sorted(
            [
                api.client_class,
                f"Async{api.client_class}",
                "Event",
                "UnknownEvent",
                "models",
                "operations",
                *error_names,
            ]
        ),
        "needs_sequence": any("Sequence[" in a for a in annotations),
        "needs_literal": any("Literal[" in a for a in annotations),
    }
    envelope_fields = [
        (_envelope_field(api.envelope[key]), api.envelope[key])
        for key in ("method-key", "notification-name-key")
    ]
    common["envelope_fields"] = envelope_fields
    common["envelope_aliased"] = any(field != wire for field, wire in envelope_fields)
    name, wheel_package = distribution_of(api.package, distribution)
    project = Project(
        distribution=name,
        wheel_package=wheel_package,
        version=package_version(spec_version),
        description=f"A typed client for the {api.title}, generated by confgen",
        # The Room's config.json (port discovery) is read with httpx.
        dependencies=sorted([HTTPX, PYDANTIC, WEBSOCKETS]),
    )
    common["project"] = project
    files: dict[str, str] = {}
    for name, template in (
        ("__init__.py", "init.py.jinja"),
        ("_client.py", "client.py.jinja"),
        ("errors.py", "errors.py.jinja"),
        ("events.py", "events.py.jinja"),
        ("operations.py", "operations.py.jinja"),
        ("README.md", "README.md.jinja"),
    ):
        files[name] = env.get_template(template).render(
            **common, docstrings={c.name: _method_docstring(c) for c in api.commands}
        )
    files["models.py"] = render_models(
        api.response_schemas,
        header=header
        + "# Inbound side: unknown fields are kept and unknown enum values read as their type.\n",
        strict=False,
        source=api.spec_source,
        snake_case_fields=True,
        # the classes the client names: replies, results and notifications
        roots={
            *(c.reply_model for c in api.commands),
            *(c.result_model for c in api.commands if c.result_model),
            *(n.model for n in api.notifications),
        },
    )
    files["_request_models.py"] = render_models(
        api.request_schemas,
        header=header
        + "# Outbound side: strict, so invalid arguments fail before anything is sent.\n",
        strict=True,
        source=api.spec_source,
        snake_case_fields=True,
        roots={c.request_model for c in api.commands},
    )
    files["py.typed"] = ""
    files.update(project_files(env, project, api))
    out = {path: text.encode("utf-8") for path, text in sorted(files.items())}
    out.update(runtime_files(WS_RUNTIME, shared=True))
    return dict(sorted(out.items()))


def render_ws_target(document: Mapping[str, Any], target: Any) -> tuple[dict[str, bytes], WsApi]:
    """`generate.build_package`'s entry for an AsyncAPI spec (a ``generate.Target``):
    the package's files, and the IR they came from."""
    api = load_ws_api(
        document,
        source=target.spec_source,
        package=target.package,
        client_class=target.client_class,
    )
    title = getattr(target, "title", None)
    if title:
        api = dataclasses.replace(api, title=str(title))
    info = document.get("info")
    version = str(info.get("version", "0")) if isinstance(info, Mapping) else "0"
    files = render_ws_package(
        api, target.import_path, target.distribution, version, target.regenerate_advice
    )
    return files, api
