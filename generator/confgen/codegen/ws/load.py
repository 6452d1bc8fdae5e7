"""AsyncAPI 3.0 document (a JSON-over-WebSocket API) -> `WsApi`, the WebSocket target's IR.

The WebSocket counterpart of ``generator/confgen/codegen/http/load.py``; ``ws/render.py`` turns the
IR into files. Shared with the HTTP target: spec access and ``$ref`` handling
(``codegen/spec.py``), argument annotations (``codegen/annotations.py``), naming, models,
docstrings, the file header, ruff and the atomic write (``codegen/generate.py``).

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

import copy
from collections.abc import Mapping
from typing import Any

from confgen.codegen.annotations import Annotations
from confgen.codegen.naming import RESERVED_ARGUMENTS, check_unique, python_identifier
from confgen.codegen.patterns import drop_uncompilable_patterns, pattern_notes
from confgen.codegen.spec import (
    COMPONENT_KEY,
    SCHEMA_PREFIX,
    Spec,
    expect,
    ref_closure,
    rename_refs,
    schema_class_names,
    shape_error,
)
from confgen.codegen.ws.ir import WsApi, WsArgument, WsCommand, WsMatch, WsNotification

__all__ = ["DEFAULT_PORT_PATH", "load_ws_api"]
_AUTH_OPERATION = "auth"
#: The command arguments that are the envelope's, filled by the runtime.
_ENVELOPE_KEYS = ("method-key", "request-id-key")
#: Where TrueConf Room's config.json keeps the WebSocket port when the spec does not say:
#: TrueConf's own Python samples read ``data["config"]["websocket"]["port"]``.
DEFAULT_PORT_PATH = ("config", "websocket", "port")
#: The documented name of the state in which a Room must log in first.
_LOGIN_NEEDED = "login needed"


def _payload_class(
    spec: Spec, ref_holder: Any, where: tuple[Any, ...], names: Mapping[str, str]
) -> tuple[str, Mapping[str, Any]]:
    """The model class and the message node of a message reference."""
    message = spec.deref(ref_holder, where)
    payload = message.get("payload") if isinstance(message, Mapping) else None
    if not isinstance(payload, Mapping) or not str(payload.get("$ref", "")).startswith(
        SCHEMA_PREFIX
    ):
        raise spec.error("a message payload must be a $ref to components.schemas", where)
    spec.lookup(payload["$ref"], where)
    return names[payload["$ref"][len(SCHEMA_PREFIX) :]], message


def _match(spec: Spec, node: Any, where: tuple[Any, ...]) -> WsMatch:
    if not isinstance(node, Mapping) or not isinstance(node.get("message"), str):
        raise spec.error("expected {message: <name>, where?: {field: value}}", where)
    where_node = node.get("where") or {}
    return WsMatch(str(node["message"]), tuple((str(k), v) for k, v in where_node.items()))


def load_ws_api(
    document: Mapping[str, Any], *, source: str, package: str, client_class: str
) -> WsApi:
    """Build the IR of an AsyncAPI 3.0 document; refuse what cannot be rendered.

    A ``pattern`` the run-time regex engines cannot compile is left out and noted, as
    for OpenAPI (`drop_uncompilable_patterns`)."""
    document, patterns = drop_uncompilable_patterns(document)
    spec = Spec(document, source)
    spec.renamed.extend(pattern_notes(patterns))
    version = str(document.get("asyncapi", ""))
    if not version.startswith("3."):
        raise spec.error(f"expected an AsyncAPI 3 document, got asyncapi={version!r}", ())
    _check_ws_shape(spec)
    components = document.get("components") or {}
    raw_schemas = components.get("schemas") or {}
    class_names = schema_class_names(spec, raw_schemas)
    schemas = {
        class_names[name]: rename_refs(schema, class_names) for name, schema in raw_schemas.items()
    }
    annotations = Annotations(spec, class_names)
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
            for name in sorted(ref_closure(schemas, request_roots))
        },
        response_schemas=schemas,
        renamed=tuple(spec.renamed),
    )


def _check_ws_shape(spec: Spec) -> None:
    """Refuse a document whose structure is not AsyncAPI's, at the first wrong node."""
    document = spec.document
    for key in ("info", "servers", "channels", "operations", "components"):
        if document.get(key) is not None:
            expect(spec, document[key], dict, (key,), key)
    components = document.get("components") or {}
    for section in ("schemas", "messages"):
        if components.get(section) is None:
            continue
        expect(spec, components[section], dict, ("components", section), f"components.{section}")
        for name, node in components[section].items():
            if not COMPONENT_KEY.match(name):
                raise shape_error(
                    spec,
                    f"component name {name!r} has characters AsyncAPI does not allow",
                    ("components", section, name),
                    "a name matching ^[a-zA-Z0-9.-_]+$",
                )
            expect(spec, node, dict, ("components", section, name), f"a {section[:-1]}")
    for key, operation in (document.get("operations") or {}).items():
        where = ("operations", key)
        expect(spec, operation, dict, where, "an operation")
        if operation.get("messages") is not None:
            expect(spec, operation["messages"], list, (*where, "messages"), "messages")
        reply = operation.get("reply")
        if reply is not None:
            expect(spec, reply, dict, (*where, "reply"), "reply")
            if reply.get("messages") is not None:
                expect(spec, reply["messages"], list, (*where, "reply", "messages"), "messages")
    for key, server in (document.get("servers") or {}).items():
        expect(spec, server, dict, ("servers", key), "a server")
        if server.get("variables") is not None:
            expect(spec, server["variables"], dict, ("servers", key, "variables"), "variables")
            for name, variable in server["variables"].items():
                expect(spec, variable, dict, ("servers", key, "variables", name), "a variable")


def _port(spec: Spec, value: Any, server_key: str) -> int:
    """The port variable's default as a TCP port number (an int or a string of digits)."""
    text = str(value) if isinstance(value, int | str) and not isinstance(value, bool) else ""
    if value is None:
        return 0
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise shape_error(
            spec,
            f"port {value!r} is not a port number",
            ("servers", server_key, "variables", "port", "default"),
            "an integer from 1 to 65535",
        )
    return int(text)


def _state_names(
    spec: Spec, match: WsMatch, by_name: Mapping[str, WsNotification], schemas: Mapping[str, Any]
) -> tuple[tuple[tuple[Any, str], ...], Any]:
    """Names of the precondition field's values (``x-enum-names``), and the login one."""
    if not match.where:
        return (), None
    field_name = match.where[0][0]
    schema = schemas.get(by_name[match.message].model) if match.message in by_name else None
    prop = ((schema or {}).get("properties") or {}).get(field_name) or {}
    values, names = prop.get("enum") or [], prop.get("x-enum-names") or []
    # A list or object among the values is a valid enum value, but names no state.
    pairs = tuple(
        (value, str(name))
        for value, name in zip(values, names, strict=False)
        if value is None or isinstance(value, str | int | float)
    )
    login = next((value for value, name in pairs if name == _LOGIN_NEEDED), None)
    return pairs, login
