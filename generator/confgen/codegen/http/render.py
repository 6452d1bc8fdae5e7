"""IR -> the files of one package (unformatted text), through one template per file kind.

`render_package` is pure: same `Api`, same bytes. Formatting (ruff) and writing are
the caller's job (`generate`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2

from confgen.codegen import escape
from confgen.codegen.annotations import PARAMS_MODULE, typed_dict_class_syntax
from confgen.codegen.escape import Code, docstring, identifier, md_fence, pystr, pyvalue
from confgen.codegen.http.deprecated_keys import DeprecatedKeys, deprecated_keys
from confgen.codegen.http.ir import Api, Operation
from confgen.codegen.http.runtime import errors as runtime_errors
from confgen.codegen.http.runtime._retry import default_retry_mode
from confgen.codegen.http.webhooks import Webhooks, render_webhooks
from confgen.codegen.models import render_models
from confgen.codegen.project import (
    ANYIO,
    CRYPTOGRAPHY,
    HTTPX,
    HTTPX_SSE,
    MANIFEST_ADVICE,
    PYDANTIC,
    PYJWT,
    Project,
    distribution_of,
    package_version,
    project_files,
)
from confgen.codegen.runtimes import HTTP_RUNTIME, runtime_files
from confgen.codegen.spec import ref_closure
from confgen.codegen.split import split_models

__all__ = ["SHARED_TEMPLATES", "TEMPLATES", "docstring", "render_package"]

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: Templates both targets include (the file header).
SHARED_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# Only packages whose spec uses a service-account JWT get this module (it imports PyJWT).
_JWT_MODULE = "jwt_auth.py"
# Above this many model classes, models are split into lazily loaded modules: building a
# pydantic class costs about 0.3 ms, so a first call should build the few it uses, not
# every one (Telnyx's 260: 70 ms). Below it one module is as fast as the split's imports.
SPLIT_MODELS_ABOVE = 20
# Above this many (a whole real API), the public models are only those operations use.
PRUNE_MODELS_ABOVE = 400
# Only packages whose spec declares x-confgen-webhook-signature get this one.
_WEBHOOK_MODULE = "webhooks.py"
# Only packages with a text/event-stream response get this one (it imports httpx-sse).
_SSE_MODULE = "_sse.py"
# Only packages with an x-confgen-session-url get this one.
_SESSION_MODULE = "_session.py"

_RETRY_DOCS = {
    "idempotent": "on connection errors, 408, 409, 429 and 5xx",
    "idempotency-key": (
        "on connection errors, 408, 409, 429 and 5xx, with the same idempotency key "
        "(a fresh UUID4 when not given)"
    ),
    "unprocessed": "only when the request cannot have been acted on (connect errors, 429, 503)",
    "never": "never",
}


@functools.cache
def _environment() -> jinja2.Environment:
    """The templates' environment, built once (compiling the templates is most of a
    small package's rendering time)."""
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [
                jinja2.FileSystemLoader(str(TEMPLATES)),
                jinja2.FileSystemLoader(str(SHARED_TEMPLATES)),
            ]
        ),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # Python and Markdown, not HTML: generator/confgen/codegen/escape.py
        finalize=escape.finalize,
    )
    escape.install(env)
    env.filters["tuple"] = tuple
    return env


def _method_docstring(op: Operation, keys: DeprecatedKeys | None = None) -> str:
    summary = op.summary or op.operation_id
    below = keys.paths.get(op.name, {}) if keys is not None else {}
    sections = [
        (
            p.name,
            " ".join(
                part
                for part in (
                    "Deprecated." if p.deprecated else "",
                    p.description,
                    _deprecated_below(below.get(p.name, ())),
                )
                if part
            ),
        )
        for p in op.parameters
    ]
    sections.append(("extra_headers", "Headers to add to this call."))
    sections.append(("extra_query", "Query parameters to add to this call."))
    sections.append(("extra_body", "Fields to add to this call's JSON or form body."))
    sections.append(("timeout", "Overrides the client's timeout for this call."))
    sections.append(("max_retries", "Overrides the client's max_retries for this call."))
    body = op.description
    if body.startswith(summary):
        body = body[len(summary) :]
    if op.deprecated:  # said first: the reader decides before reading on
        body = f"Deprecated: calling it warns (DeprecationWarning).\n\n{body}".strip()
    return docstring(summary, body, sections)


def _deprecated_below(paths: Sequence[str]) -> str:
    """The docstring sentence naming an argument's deprecated keys (``""``: none)."""
    if not paths:
        return ""
    names = ", ".join(f"``{path}``" for path in paths)
    return f"Deprecated key{'s' if len(paths) > 1 else ''} (giving one warns): {names}."


def _example(api: Api, op: Operation, import_path: str) -> Code:
    """README code for one operation: request example values, else required placeholders."""
    shown = [p for p in op.parameters if p.required or p.has_example]
    arguments = "".join(f"    {identifier(p.name)}={pyvalue(p.example)},\n" for p in shown)
    call = (
        f"client.{identifier(op.resource)}.{identifier(op.name)}(\n{arguments})"
        if shown
        else f"client.{identifier(op.resource)}.{identifier(op.name)}()"
    )
    result = "result = " if op.response_model else ""
    return md_fence(f"{result}{call}")


def _uses(ops: Sequence[Operation], word: str) -> bool:
    return any(word in _PARAMS_NAME.sub("", p.annotation) for op in ops for p in op.parameters)


# A TypedDict of the params module in an annotation: its name is no import of its own.
_PARAMS_NAME = re.compile(rf"\b{PARAMS_MODULE}\.\w+")


def _params_module(env: jinja2.Environment, api: Api) -> str:
    """The ``params`` module: the TypedDicts of nested request objects."""
    annotations = [_PARAMS_NAME.sub("", f.annotation) for s in api.typed_dicts for f in s.fields]

    def uses(word: str) -> bool:
        return any(word in annotation for annotation in annotations)

    return env.get_template("params.py.jinja").render(
        api=api,
        deprecated_below=lambda spec: _deprecated_below(
            [f.wire_name for f in spec.fields if f.deprecated]
        ),
        class_syntax={s.name: typed_dict_class_syntax(s) for s in api.typed_dicts},
        local=lambda annotation: annotation.replace(f"{PARAMS_MODULE}.", ""),
        doc=docstring,
        needs_datetime=uses("datetime."),
        needs_sequence=uses("Sequence["),
        needs_mapping=uses("Mapping["),
        needs_any=uses("Any"),
        needs_literal=uses("Literal["),
        needs_files=uses("FileInput"),
    )


def _local_names(op: Operation) -> dict[str, str]:
    """The method body's local variables (``params``, ``body``, ``payload``), each renamed
    with a trailing ``_`` while an argument has that name: a body property called
    ``body`` must not be overwritten by the validated body model."""
    arguments = {p.name for p in op.parameters} | {
        "extra_headers",
        "extra_query",
        "extra_body",
        "timeout",
        "max_retries",
    }
    names: dict[str, str] = {}
    for role in ("params", "body", "payload"):
        name = role
        while name in arguments or name in names.values():
            name += "_"
        names[role] = name
    # The raw and single styles take the ``body`` argument itself: it keeps its name.
    if op.body_style in ("raw", "single"):
        names["body"] = "body"
    return names


def _error_keys(api: Api, op: Operation) -> list[tuple[Code, str]]:
    """``(python key, model)`` for the Operation's error map: ints for exact statuses."""
    pairs = [(m.status, m.model) for m in op.error_models]
    if api.body_errors is not None and not any(m.status == "2XX" for m in op.error_models):
        # Errors found in a 2xx body decode with the document's body-error schema.
        pairs.append(("2XX", api.body_errors[1]))
    return [
        (Code(str(int(status))) if status.isdigit() else pystr(status), model)
        for status, model in pairs
    ]


def _all(roots: Mapping[str, list[str]]) -> set[str]:
    """Every class the operations of ``roots`` (operation -> class names) name."""
    return {name for names in roots.values() for name in names}


def _split_model_package(
    schemas: dict[str, Any],
    header: str,
    strict: bool,
    source: str,
    roots: dict[str, list[str]],
    folder: str,
) -> dict[str, str]:
    """One side's models as a lazily loaded package: path -> text."""
    text = render_models(schemas, header=header, strict=strict, source=source, roots=_all(roots))
    return {
        f"{folder}/{name}": module
        for name, module in split_models(text, roots, header=header).items()
    }


def _session_methods(api: Api) -> list[dict[str, Any]]:
    """One client method per ``x-confgen-session-url`` name: its fields, and the
    response models (and operations) whose bodies hold the URL."""
    methods: dict[str, dict[str, Any]] = {}
    for op in api.operations:
        found = op.session_url
        if found is None or op.response_model is None:
            continue
        method = methods.setdefault(found.name, {"session": found, "models": [], "operations": []})
        method["models"].append(op.response_model)
        method["operations"].append(op.operation_id)
    return [methods[name] for name in sorted(methods)]


def _has_event_stream(api: Api) -> bool:
    return any(op.response_kind == "event-stream" for op in api.operations)


def _project(api: Api, webhooks: Webhooks | None, distribution: str | None) -> Project:
    """The package's project: what its modules import at run time, nothing else."""
    name, wheel_package = distribution_of(api.package, distribution)
    dependencies = [ANYIO, HTTPX, PYDANTIC]
    if api.auth.has("service-account-jwt"):  # every call signs a JWT: not optional
        dependencies += [CRYPTOGRAPHY, PYJWT]
    extras: list[tuple[str, list[str]]] = []
    if webhooks is not None and webhooks.signature:
        # Only verifying a delivery needs it (imported on the first verification).
        extras.append(("webhooks", [CRYPTOGRAPHY]))
    if _has_event_stream(api):
        # Only reading a text/event-stream response needs it (imported on the first one).
        extras.append(("sse", [HTTPX_SSE]))
    return Project(
        distribution=name,
        wheel_package=wheel_package,
        version=package_version(api.version),
        description=f"A typed client for the {api.title}, generated by confgen",
        dependencies=sorted(dependencies),
        extras=extras,
    )


def render_package(
    api: Api,
    import_path: str,
    webhooks: Webhooks | None = None,
    distribution: str | None = None,
    regenerate_advice: str = MANIFEST_ADVICE,
) -> dict[str, bytes]:
    """Every file of the package, by path relative to the package folder.

    ``import_path`` is how users import it (``confgen_telnyx``), for docs only;
    ``webhooks`` (`confgen.codegen.http.webhooks.load_webhooks`) adds the webhooks module.
    """
    env = _environment()
    env.globals["regenerate_advice"] = regenerate_advice
    header = env.get_template("header.jinja").render(api=api)
    credential_docs = {c.argument: c.description for c in api.auth.credentials}
    # A scheme every default alternative names: the client cannot work without it.
    required_schemes = sorted(
        scheme.name
        for scheme in api.auth.schemes
        if api.auth.default
        and all(any(name == scheme.name for name, _ in alt) for alt in api.auth.default)
    )
    # The runtime's error classes, as its own __all__ lists them, plus the package's own.
    error_names = sorted(
        [name for name in runtime_errors.__all__ if name.endswith("Error")]
        + (["WebhookVerificationError"] if webhooks and webhooks.signature else [])
    )
    common = {
        "api": api,
        "import_path": import_path,
        "credential_docs": credential_docs,
        "required_schemes": required_schemes,
        "webhooks": webhooks,
    }
    files: dict[str, str] = {}
    has_events = _has_event_stream(api)
    # Runtime types a user names (annotations, isinstance), exported from the package
    # root only when its operations return them: by home module, loaded on first use.
    runtime_exports = {
        name: home
        for name, home, used in (
            ("AsyncPage", "._runtime._pagination", any(op.pagination for op in api.operations)),
            ("SyncPage", "._runtime._pagination", any(op.pagination for op in api.operations)),
            ("AsyncStream", "._runtime._sse", has_events),
            ("ServerSentEvent", "._runtime._sse", has_events),
            ("Stream", "._runtime._sse", has_events),
        )
        # A client class of the same name (an API titled "Stream") keeps the name.
        if used and name not in (api.client_class, f"Async{api.client_class}")
    }
    files["__init__.py"] = env.get_template("init.py.jinja").render(
        **common,
        error_names=error_names,
        runtime_exports=runtime_exports,
        exports=sorted(
            [api.client_class, f"Async{api.client_class}", "models", "operations", *error_names]
            + list(runtime_exports)
            + (["webhooks"] if webhooks else [])
        ),
    )
    project = _project(api, webhooks, distribution)
    files["_client.py"] = env.get_template("client.py.jinja").render(
        **common, project=project, session_methods=_session_methods(api), has_events=has_events
    )
    files["operations.py"] = env.get_template("operations.py.jinja").render(
        **common,
        retry_modes={
            op.name: op.retry_mode or default_retry_mode(op.http_method) for op in api.operations
        },
    )
    error_model_names = sorted({m.model for op in api.operations for m in op.error_models})
    files["errors.py"] = env.get_template("errors.py.jinja").render(
        **common, error_model_names=error_model_names
    )
    if any(op.mutually_exclusive for op in api.operations):
        files["_checks.py"] = env.get_template("checks.py.jinja").render(**common)
    files["resources/__init__.py"] = env.get_template("resources_init.py.jinja").render(**common)
    if api.typed_dicts:
        files["params.py"] = _params_module(env, api)
    resource_template = env.get_template("resource.py.jinja")
    for resource in api.resources:
        ops = resource.operations
        keys = deprecated_keys(ops, api.typed_dicts)
        files[f"resources/{resource.name}.py"] = resource_template.render(
            **common,
            resource=resource,
            deprecated_keys=keys,
            docstrings={op.name: _method_docstring(op, keys) for op in ops},
            error_models={op.name: _error_keys(api, op) for op in ops},
            local_names={op.name: _local_names(op) for op in ops},
            needs_datetime=_uses(ops, "datetime."),
            needs_sequence=_uses(ops, "Sequence["),
            needs_any=_uses(ops, "Any") or any(op.pagination and not op.item_model for op in ops),
            needs_pages=any(op.pagination for op in ops),
            needs_cast=any(op.response_kind in ("binary", "text") for op in ops),
            needs_binary=any(op.response_kind == "binary" for op in ops),
            needs_events=any(op.response_kind == "event-stream" for op in ops),
            needs_files=_uses(ops, "FileInput"),
            needs_literal=_uses(ops, "Literal["),
            needs_params=any(PARAMS_MODULE in p.annotation for op in ops for p in op.parameters),
            needs_warnings=any(
                op.deprecated or any(p.deprecated for p in op.parameters) for op in ops
            ),
            needs_exclusive=any(op.mutually_exclusive for op in ops),
            exclusive_names={
                op.name: {name for group in op.mutually_exclusive for name in group} for op in ops
            },
            needs_headers=any(op.by_location("header") or op.by_location("cookie") for op in ops),
            needs_styles=any(not p.default_style for op in ops for p in op.parameters)
            or any(op.form_encoding for op in ops),
            needs_raw=any(op.body_style == "raw" for op in ops),
            needs_multipart=any(op.body_content_type == "multipart/form-data" for op in ops),
        )
    response_header = (
        header
        + "# The response side: unknown fields are kept and unknown enum values read as str.\n"
    )
    request_header = (
        header + "# The request side: strict, so invalid arguments fail before anything is sent.\n"
    )
    body_error = [api.body_errors[1]] if api.body_errors else []
    response_roots = {
        f"{op.resource}.{op.name}": [
            *([op.response_model] if op.response_model else []),
            *([op.item_model] if op.item_model else []),
            *(m.model for m in op.error_models),
            *body_error,
        ]
        for op in api.operations
    }
    request_roots = {
        f"{op.resource}.{op.name}": [m for m in (op.params_model, op.body_model) if m]
        for op in api.operations
    }
    if len(api.response_schemas) + len(api.request_schemas) <= SPLIT_MODELS_ABOVE:
        files["models.py"] = render_models(
            api.response_schemas,
            header=response_header,
            strict=False,
            source=api.spec_source,
            roots=_all(response_roots),
        )
        files["_request_models.py"] = render_models(
            api.request_schemas,
            header=request_header,
            strict=True,
            source=api.spec_source,
            roots=_all(request_roots),
        )
    else:
        # Model packages loaded a module at a time (generator/confgen/codegen/split.py).
        # Both sides in this process: a fork pool for the request side measured slower
        # (whole Telnyx, `make bench`: 53.6 s pooled vs 26.4 s serial; same bytes).
        files.update(
            _split_model_package(
                api.request_schemas,
                request_header,
                True,
                api.spec_source,
                request_roots,
                "_request_models",
            )
        )
        # The public models of a whole API: what responses and errors use (request
        # bodies are checked by the strict side; keyword arguments build them).
        response_schemas = api.response_schemas
        if len(api.response_schemas) + len(api.request_schemas) > PRUNE_MODELS_ABOVE:
            response_schemas = {
                name: api.response_schemas[name]
                for name in ref_closure(api.response_schemas, _all(response_roots))
            }
        files.update(
            _split_model_package(
                dict(sorted(response_schemas.items())),
                response_header,
                False,
                api.spec_source,
                response_roots,
                "models",
            )
        )
    if webhooks is not None:
        files.update(render_webhooks(env, webhooks, common, header))
    first = api.operations[0] if api.operations else None
    files["README.md"] = env.get_template("README.md.jinja").render(
        **common,
        examples={op.name: _example(api, op, import_path) for op in api.operations},
        retry_docs={
            op.name: _RETRY_DOCS[op.retry_mode or default_retry_mode(op.http_method)]
            for op in api.operations
        },
        first_op=(first.resource, first.name) if first else ("resource", "method"),
        project=project,
    )
    files["py.typed"] = ""
    files.update(project_files(env, project, api))
    out = {path: text.encode("utf-8") for path, text in sorted(files.items())}
    leave_out = set()
    if not api.auth.has("service-account-jwt"):
        leave_out.add(_JWT_MODULE)
    if not (webhooks and webhooks.signature):
        leave_out.add(_WEBHOOK_MODULE)
    if not _has_event_stream(api):
        leave_out.add(_SSE_MODULE)
    if not _session_methods(api):
        leave_out.add(_SESSION_MODULE)
    out.update(runtime_files(HTTP_RUNTIME, leave_out=leave_out))
    return out
