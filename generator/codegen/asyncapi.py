"""AsyncAPI 3.0 document (a JSON-over-WebSocket API) -> the files of one client package.

The WebSocket counterpart of ``load.py`` + ``render.py``; everything else is shared with
the HTTP generator: naming (``naming.py``), argument annotations and ``$ref`` handling
(``load.py``), models (``models.render_models``: strict request side, lenient response
side), docstrings (``render.docstring``), the file header, ruff and the atomic write
(``generate.py``). Only the transport differs: the static runtime comes from
``generator/runtime_trueconf/`` (plus the files it shares with the HTTP runtime) and the client from ``generator/templates/ws/``.

What the spec must say (all of it is in ``specs/trueconf.asyncapi.yaml``):

- ``x-confgen-envelope``: the keys that route messages (method, requestId, result,
  notification method and name);
- commands: ``send`` operations with a ``reply``; the one named ``auth`` authenticates
  the connection and is not a method (the runtime sends it on every connect);
- notifications: messages with ``x-confgen-kind: notification``;
- ``x-confgen-precondition`` / ``x-confgen-completion`` on a command: the notification
  that must hold before sending, and those that signal the outcome;
- the first server: ``host`` with ``{host}:{port}`` variables, and optionally
  ``x-confgen-port-discovery`` (``url`` with ``{host}``/``{http_port}``, and ``port-path``,
  the keys leading to the port in the JSON it returns).
"""

from __future__ import annotations

import ast
import copy
import dataclasses
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from generator.codegen import escape
from generator.codegen.escape import docstring
from generator.codegen.load import (
    _COMPONENT_KEY,
    _Annotations,
    _class_names,
    _expect,
    _ref_closure,
    _rename_refs,
    _shape_error,
    _Spec,
)
from generator.codegen.models import render_models
from generator.codegen.naming import RESERVED_ARGUMENTS, check_unique, python_identifier
from generator.codegen.render import RUNTIME_SOURCE as HTTP_RUNTIME_SOURCE
from generator.codegen.render import TEMPLATES as HTTP_TEMPLATES

__all__ = [
    "WS_RUNTIME_SOURCE",
    "WS_TEMPLATES",
    "WsApi",
    "load_ws_api",
    "render_ws_package",
    "render_ws_target",
]

WS_TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "ws"
WS_RUNTIME_SOURCE = Path(__file__).resolve().parent.parent / "runtime_trueconf"
#: Files of the HTTP runtime both runtimes need: they live once, in ``generator/runtime/``,
#: and are copied into every WebSocket package's ``_runtime/`` too.
SHARED_RUNTIME_FILES = ("_index.py", "_types.py", "_validation.py")


def _declared_all(module: Path) -> tuple[str, ...]:
    """A module's ``__all__``, read without importing it (the WebSocket runtime imports the
    shared files, which it has only once copied into a package)."""
    for node in ast.parse(module.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "__all__" for target in node.targets
        ):
            return tuple(ast.literal_eval(node.value))
    raise ValueError(f"{module} declares no __all__")


#: The public errors of ``generator/runtime_trueconf/errors.py``, re-exported by ``errors.py``.
ERROR_NAMES = _declared_all(WS_RUNTIME_SOURCE / "errors.py")
_SCHEMA_PREFIX = "#/components/schemas/"
_AUTH_OPERATION = "auth"
#: The command arguments that are the envelope's, filled by the runtime.
_ENVELOPE_KEYS = ("method-key", "request-id-key")
#: Where TrueConf Room's config.json keeps the WebSocket port when the spec does not say:
#: TrueConf's own Python samples read ``data["config"]["websocket"]["port"]``.
DEFAULT_PORT_PATH = ("config", "websocket", "port")
#: The documented name of the state in which a Room must log in first.
_LOGIN_NEEDED = "login needed"


@dataclass(frozen=True)
class WsArgument:
    """One keyword argument of a command method."""

    name: str
    wire_name: str
    required: bool
    annotation: str
    description: str


@dataclass(frozen=True)
class WsMatch:
    """A notification (and field values) a command waits for."""

    message: str
    where: tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class WsCommand:
    """One command: a method on the client."""

    operation_id: str
    """The operation's key in the spec's ``operations``."""
    method: str
    name: str
    summary: str
    description: str
    request_model: str
    reply_model: str
    arguments: tuple[WsArgument, ...]
    precondition: WsMatch | None
    state_names: tuple[tuple[Any, str], ...]
    login_needed: Any
    completion: tuple[WsMatch, ...]
    result_message: str | None
    result_model: str | None

    @property
    def constant_name(self) -> str:
        """The module-level name of the command's runtime descriptor."""
        # Never two leading underscores: inside a class body that name would be mangled.
        return ("_OP" if self.name.startswith("_") else "_") + self.name.upper()

    @property
    def returns(self) -> str:
        """The return annotation of the method."""
        return f"models.{self.result_model or self.reply_model}"


@dataclass(frozen=True)
class WsNotification:
    """A notification the Room sends, and its model."""

    name: str
    model: str
    summary: str


@dataclass(frozen=True)
class WsApi:
    """Everything one generated WebSocket package is made from."""

    package: str
    client_class: str
    title: str
    description: str
    spec_source: str
    default_host: str
    default_port: int
    env_prefix: str
    url_env: str
    host_env: str
    discovery_url: str | None
    port_path: tuple[str, ...]
    envelope: Mapping[str, str]
    auth_method: str
    commands: tuple[WsCommand, ...]
    notifications: tuple[WsNotification, ...]
    request_schemas: dict[str, Any]
    response_schemas: dict[str, Any]


def _payload_class(
    spec: _Spec, ref_holder: Any, where: tuple[Any, ...], names: Mapping[str, str]
) -> tuple[str, Mapping[str, Any]]:
    """The model class and the message node of a message reference."""
    message = spec.deref(ref_holder, where)
    payload = message.get("payload") if isinstance(message, Mapping) else None
    if not isinstance(payload, Mapping) or not str(payload.get("$ref", "")).startswith(
        _SCHEMA_PREFIX
    ):
        raise spec.error("a message payload must be a $ref to components.schemas", where)
    spec.lookup(payload["$ref"], where)
    return names[payload["$ref"][len(_SCHEMA_PREFIX) :]], message


def _match(spec: _Spec, node: Any, where: tuple[Any, ...]) -> WsMatch:
    if not isinstance(node, Mapping) or not isinstance(node.get("message"), str):
        raise spec.error("expected {message: <name>, where?: {field: value}}", where)
    where_node = node.get("where") or {}
    return WsMatch(str(node["message"]), tuple((str(k), v) for k, v in where_node.items()))


def load_ws_api(
    document: Mapping[str, Any], *, source: str, package: str, client_class: str
) -> WsApi:
    """Build the IR of an AsyncAPI 3.0 document; refuse what cannot be rendered."""
    spec = _Spec(document, source)
    version = str(document.get("asyncapi", ""))
    if not version.startswith("3."):
        raise spec.error(f"expected an AsyncAPI 3 document, got asyncapi={version!r}", ())
    _check_ws_shape(spec)
    components = document.get("components") or {}
    raw_schemas = components.get("schemas") or {}
    class_names = _class_names(spec, raw_schemas)
    schemas = {
        class_names[name]: _rename_refs(schema, class_names) for name, schema in raw_schemas.items()
    }
    annotations = _Annotations(spec, class_names)
    envelope_node = document.get("x-confgen-envelope")
    if not isinstance(envelope_node, Mapping):
        raise spec.error("an AsyncAPI spec needs x-confgen-envelope", ("x-confgen-envelope",))
    envelope = {str(k): str(v) for k, v in envelope_node.items() if isinstance(v, str)}
    skip = {envelope.get(key) for key in _ENVELOPE_KEYS}

    # -- notifications --
    notifications: list[WsNotification] = []
    for name, message in (components.get("messages") or {}).items():
        if message.get("x-confgen-kind") != "notification":
            continue
        model, _ = _payload_class(spec, message, ("components", "messages", name), class_names)
        notifications.append(WsNotification(str(name), model, str(message.get("summary") or "")))
    by_name = {n.name: n for n in notifications}

    # -- commands --
    commands: list[WsCommand] = []
    request_roots: set[str] = set()
    auth_method = _AUTH_OPERATION
    for key, operation in (document.get("operations") or {}).items():
        where = ("operations", key)
        if operation.get("action") != "send" or "reply" not in operation:
            continue
        messages = operation.get("messages") or []
        replies = (operation.get("reply") or {}).get("messages") or []
        if len(messages) != 1 or len(replies) != 1:
            raise spec.error("a command needs exactly one message and one reply message", where)
        request_model, request_message = _payload_class(
            spec, messages[0], (*where, "messages", 0), class_names
        )
        reply_model, _ = _payload_class(
            spec, replies[0], (*where, "reply", "messages", 0), class_names
        )
        request_roots.add(request_model)
        method = str(request_message.get("name") or key)
        if key == _AUTH_OPERATION:
            auth_method = method
            continue
        payload = spec.deref({"$ref": request_message["payload"]["$ref"]}, where)
        required = set(payload.get("required") or [])
        arguments = []
        for wire, prop in (payload.get("properties") or {}).items():
            if wire in skip:
                continue
            prop_at = (
                "components",
                "schemas",
                request_message["payload"]["$ref"].split("/")[-1],
                "properties",
                wire,
            )
            arguments.append(
                WsArgument(
                    name=python_identifier(wire, reserved=RESERVED_ARGUMENTS),
                    wire_name=wire,
                    required=wire in required,
                    annotation=annotations.of(prop, prop_at),
                    description=" ".join(str(prop.get("description") or "").split()),
                )
            )
        check_unique(
            [(a.wire_name, a.name, "/" + "/".join(map(str, where))) for a in arguments],
            what="argument",
            source=source,
        )
        arguments = [a for a in arguments if a.required] + [a for a in arguments if not a.required]
        precondition = None
        state_names: tuple[tuple[Any, str], ...] = ()
        login_needed = None
        if "x-confgen-precondition" in operation:
            precondition = _match(
                spec, operation["x-confgen-precondition"], (*where, "x-confgen-precondition")
            )
            state_names, login_needed = _state_names(spec, precondition, by_name, schemas)
        completion = tuple(
            _match(spec, item, (*where, "x-confgen-completion", "any", index))
            for index, item in enumerate(
                (operation.get("x-confgen-completion") or {}).get("any") or []
            )
        )
        for match in (*completion, *([precondition] if precondition else [])):
            if match.message not in by_name:
                raise spec.error(f"{match.message!r} is not a notification of the spec", where)
        result = next((m.message for m in completion if not m.where), None)
        if completion and result is None:
            result = completion[0].message
        commands.append(
            WsCommand(
                operation_id=str(key),
                method=method,
                name=python_identifier(key),
                summary=str(operation.get("summary") or request_message.get("summary") or ""),
                description=" ".join(str(operation.get("description") or "").split()),
                request_model=request_model,
                reply_model=reply_model,
                arguments=tuple(arguments),
                precondition=precondition,
                state_names=state_names,
                login_needed=login_needed,
                completion=completion,
                result_message=result,
                result_model=by_name[result].model if result else None,
            )
        )

    # -- server --
    servers = document.get("servers") or {}
    if not servers:
        raise spec.error("the spec needs a server", ("servers",))
    server_key, server = next(iter(servers.items()))
    variables = server.get("variables") or {}
    host_var = variables.get("host") or {}
    port_var = variables.get("port") or {}
    discovery = server.get("x-confgen-port-discovery") or {}
    prefix = package.upper()
    info = document.get("info") or {}
    return WsApi(
        package=package,
        client_class=client_class,
        title=str(info.get("title") or package),
        description=str(info.get("description") or ""),
        spec_source=source,
        default_host=str(host_var.get("default") or "localhost"),
        default_port=_port(spec, port_var.get("default"), server_key),
        env_prefix=prefix,
        url_env=str(server.get("x-confgen-env") or f"{prefix}_{server_key.upper()}_URL"),
        host_env=str(host_var.get("x-confgen-env") or f"{prefix}_HOST"),
        discovery_url=str(discovery["url"]) if "url" in discovery else None,
        port_path=tuple(str(p) for p in discovery.get("port-path") or DEFAULT_PORT_PATH),
        envelope=envelope,
        auth_method=auth_method,
        commands=tuple(sorted(commands, key=lambda c: c.name)),
        notifications=tuple(notifications),
        request_schemas={
            name: copy.deepcopy(schemas[name])
            for name in sorted(_ref_closure(schemas, request_roots))
        },
        response_schemas=schemas,
    )


def _check_ws_shape(spec: _Spec) -> None:
    """Refuse a document whose structure is not AsyncAPI's, at the first wrong node."""
    document = spec.document
    for key in ("info", "servers", "channels", "operations", "components"):
        if document.get(key) is not None:
            _expect(spec, document[key], dict, (key,), key)
    components = document.get("components") or {}
    for section in ("schemas", "messages"):
        if components.get(section) is None:
            continue
        _expect(spec, components[section], dict, ("components", section), f"components.{section}")
        for name, node in components[section].items():
            if not _COMPONENT_KEY.match(name):
                raise _shape_error(
                    spec,
                    f"component name {name!r} has characters AsyncAPI does not allow",
                    ("components", section, name),
                    "a name matching ^[a-zA-Z0-9.-_]+$",
                )
            _expect(spec, node, dict, ("components", section, name), f"a {section[:-1]}")
    for key, operation in (document.get("operations") or {}).items():
        where = ("operations", key)
        _expect(spec, operation, dict, where, "an operation")
        if operation.get("messages") is not None:
            _expect(spec, operation["messages"], list, (*where, "messages"), "messages")
        reply = operation.get("reply")
        if reply is not None:
            _expect(spec, reply, dict, (*where, "reply"), "reply")
            if reply.get("messages") is not None:
                _expect(spec, reply["messages"], list, (*where, "reply", "messages"), "messages")
    for key, server in (document.get("servers") or {}).items():
        _expect(spec, server, dict, ("servers", key), "a server")
        if server.get("variables") is not None:
            _expect(spec, server["variables"], dict, ("servers", key, "variables"), "variables")
            for name, variable in server["variables"].items():
                _expect(spec, variable, dict, ("servers", key, "variables", name), "a variable")


def _port(spec: _Spec, value: Any, server_key: str) -> int:
    """The port variable's default as a TCP port number (an int or a string of digits)."""
    text = str(value) if isinstance(value, int | str) and not isinstance(value, bool) else ""
    if value is None:
        return 0
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise _shape_error(
            spec,
            f"port {value!r} is not a port number",
            ("servers", server_key, "variables", "port", "default"),
            "an integer from 1 to 65535",
        )
    return int(text)


def _state_names(
    spec: _Spec, match: WsMatch, by_name: Mapping[str, WsNotification], schemas: Mapping[str, Any]
) -> tuple[tuple[tuple[Any, str], ...], Any]:
    """Names of the precondition field's values (``x-enum-names``), and the login one."""
    if not match.where:
        return (), None
    field_name = match.where[0][0]
    schema = schemas.get(by_name[match.message].model) if match.message in by_name else None
    prop = ((schema or {}).get("properties") or {}).get(field_name) or {}
    values, names = prop.get("enum") or [], prop.get("x-enum-names") or []
    pairs = tuple(zip(values, (str(n) for n in names), strict=False))
    login = next((value for value, name in pairs if name == _LOGIN_NEEDED), None)
    return pairs, login


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [
                jinja2.FileSystemLoader(str(WS_TEMPLATES)),
                jinja2.FileSystemLoader(str(HTTP_TEMPLATES)),
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


def render_ws_package(api: WsApi, import_path: str) -> dict[str, bytes]:
    """Every file of the package, by path relative to the package folder (unformatted)."""
    env = _environment()
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
    files: dict[str, str] = {}
    for name, template in (
        ("__init__.py", "init.py.jinja"),
        ("_client.py", "client.py.jinja"),
        ("errors.py", "errors.py.jinja"),
        ("events.py", "events.py.jinja"),
        ("operations.py", "operations.py.jinja"),
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
    )
    files["_request_models.py"] = render_models(
        api.request_schemas,
        header=header
        + "# Outbound side: strict, so invalid arguments fail before anything is sent.\n",
        strict=True,
        source=api.spec_source,
        snake_case_fields=True,
    )
    files["py.typed"] = ""
    out = {path: text.encode("utf-8") for path, text in sorted(files.items())}
    shared = [HTTP_RUNTIME_SOURCE / name for name in SHARED_RUNTIME_FILES]
    for source in [*sorted(WS_RUNTIME_SOURCE.glob("*.py")), *shared]:
        out[f"_runtime/{source.name}"] = source.read_bytes()
    return dict(sorted(out.items()))


def render_ws_target(document: Mapping[str, Any], target: Any) -> dict[str, bytes]:
    """`generate.build_package`'s entry for an AsyncAPI spec (a ``generate.Target``)."""
    api = load_ws_api(
        document,
        source=target.spec_source,
        package=target.package,
        client_class=target.client_class,
    )
    title = getattr(target, "title", None)
    if title:
        api = dataclasses.replace(api, title=str(title))
    return render_ws_package(api, target.import_path)
