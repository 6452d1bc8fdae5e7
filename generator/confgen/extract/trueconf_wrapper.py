"""TrueConf's official Python wrapper (``methods.py``, ``consts.py``) -> AsyncAPI 3.0 parts.

No spec is published; the wrapper lists each command as a method of ``Methods`` whose
body builds ``command = {"method": <wire name>, <key>: <parameter>, ...}``, and
``consts.py`` lists each notification's fields (``EVENT``) and each reply's
(``METHOD_RESPONSE``). Both files are read with `ast` and never imported or run.

The manifest's ``[providers.trueconf.select]`` names the ``commands`` and
``notifications`` to ship. `merge_asyncapi` merges them with the page's extraction:
the page wins wherever both describe a message (its parameters are newer), and each
difference is reported.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Mapping
from typing import Any

from confgen.errors import ExtractError
from confgen.extract.merge import Difference
from confgen.extract.page import Page

__all__ = ["extract_trueconf_wrapper", "merge_asyncapi", "read_commands", "read_consts"]

_TYPES = {"str": "string", "int": "integer", "bool": "boolean", "list": "array", "float": "number"}


def _pascal(name: str) -> str:
    return name[:1].upper() + name[1:]


def _parse(page: Page) -> ast.Module:
    try:
        return ast.parse(page.text.lstrip("\ufeff"), filename=page.path)
    except SyntaxError as error:
        raise ExtractError(
            f"not Python: {error.msg}", source=page.path, line=error.lineno, column=error.offset
        ) from None


def read_commands(page: Page) -> dict[str, dict[str, Any]]:
    """Wire name -> {summary, line, params: {key: {type?, default?, required}}}."""
    commands: dict[str, dict[str, Any]] = {}
    for node in _parse(page).body:
        if not (isinstance(node, ast.ClassDef) and node.name == "Methods"):
            continue
        for function in node.body:
            if not isinstance(function, ast.FunctionDef):
                continue
            command = _command_literal(function)
            if command is None:
                continue
            wire, keys = command
            arguments = function.args.args[1:]  # without self
            defaults = function.args.defaults
            first_default = len(arguments) - len(defaults)
            by_name: dict[str, dict[str, Any]] = {}
            for index, argument in enumerate(arguments):
                info: dict[str, Any] = {"required": index < first_default}
                annotation = argument.annotation
                if isinstance(annotation, ast.Name) and annotation.id in _TYPES:
                    info["type"] = _TYPES[annotation.id]
                if index >= first_default:
                    default = defaults[index - first_default]
                    if isinstance(default, ast.Constant) and default.value is not None:
                        info["default"] = default.value
                by_name[argument.arg] = info
            params = {key: by_name.get(argument, {"required": True}) for key, argument in keys}
            # Typographic apostrophes as ASCII (the summary becomes docstrings, which ruff's
            # RUF002 flags as ambiguous characters).
            docstring = (ast.get_docstring(function) or "").replace("\u2019", "'")
            commands[wire] = {
                "summary": docstring.strip().split("\n")[0].strip(),
                "line": function.lineno,
                "params": params,
            }
    if not commands:
        raise ExtractError("no command found (class Methods)", source=page.path)
    return commands


def _command_literal(function: ast.FunctionDef) -> tuple[str, list[tuple[str, str]]] | None:
    """``("hangUp", [("forAll", "forAll")])`` from ``command = {"method": "hangUp", ...}``."""
    for statement in ast.walk(function):
        if not (
            isinstance(statement, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "command" for t in statement.targets)
            and isinstance(statement.value, ast.Dict)
        ):
            continue
        wire = None
        keys: list[tuple[str, str]] = []
        for key, value in zip(statement.value.keys, statement.value.values, strict=True):
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                continue
            if key.value == "method" and isinstance(value, ast.Constant):
                wire = str(value.value)
            elif isinstance(value, ast.Name):
                keys.append((key.value, value.id))
        if wire is not None:
            return wire, keys
    return None


def read_consts(page: Page) -> tuple[dict[str, list[str]], dict[str, list[str]], dict[str, str]]:
    """``EVENT`` (notification -> fields), ``METHOD_RESPONSE`` (command -> reply fields),
    and the string constants (``CONFTYPE_asymmetric`` -> ``"assymetric"``)."""
    module = _parse(page)
    constants: dict[str, str] = {}
    tables: dict[str, dict[str, list[str]]] = {"EVENT": {}, "METHOD_RESPONSE": {}}
    for node in module.body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
            continue
        target = node.targets[0]
        if not isinstance(target, ast.Name):
            continue
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            constants[target.id] = node.value.value
        elif target.id in tables and isinstance(node.value, ast.Dict):
            for value in node.value.values:
                if not isinstance(value, ast.Dict):
                    continue
                fields = [
                    str(k.value)
                    for k in value.keys
                    if isinstance(k, ast.Constant) and isinstance(k.value, str)
                ]
                name_key = "event" if target.id == "EVENT" else "method"
                name = next(
                    (
                        str(v.value)
                        for k, v in zip(value.keys, value.values, strict=True)
                        if isinstance(k, ast.Constant)
                        and k.value == name_key
                        and isinstance(v, ast.Constant)
                    ),
                    None,
                )
                if name is not None:
                    tables[target.id][name] = [f for f in fields if f not in ("event", "method")]
    return tables["EVENT"], tables["METHOD_RESPONSE"], constants


def extract_trueconf_wrapper(
    pages: Mapping[str, Page], select: Mapping[str, Any]
) -> dict[str, Any]:
    """The selected commands (request, reply) and notifications as AsyncAPI 3.0 parts:
    ``components.schemas`` / ``components.messages``, ``channels.room.messages`` and
    ``operations``; plus ``x-confgen-wrapper`` (what the merge compares)."""
    methods, consts = pages["methods"], pages["consts"]
    commands = read_commands(methods)
    events, replies, constants = read_consts(consts)
    schemas: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for wire in select.get("commands", []):
        if wire not in commands:
            raise ExtractError(f"the wrapper has no command {wire!r}", source=methods.path)
        command = commands[wire]
        properties: dict[str, Any] = {
            "method": {"type": "string", "const": wire},
            "requestId": {"type": "string", "description": "a unique request identifier."},
        }
        required = ["method", "requestId"]
        for key, info in command["params"].items():
            schema: dict[str, Any] = {}
            if "type" in info:
                schema["type"] = info["type"]
                if info["type"] == "array":
                    schema["items"] = {"type": "string"}
            if "default" in info:
                schema["default"] = info["default"]
            properties[key] = schema
            if info["required"]:
                required.append(key)
        name = _pascal(wire)
        schemas[f"{name}Request"] = {
            "type": "object",
            "description": command["summary"],
            "properties": properties,
            "required": required,
        }
        reply_fields = replies.get(wire, ["result"])
        reply_properties: dict[str, Any] = {
            "method": {"type": "string", "const": wire},
            "requestId": {"type": "string"},
            "result": {"type": "boolean"},
        }
        for field in reply_fields:
            reply_properties.setdefault(field, {})
        schemas[f"{name}Reply"] = {
            "type": "object",
            "properties": reply_properties,
            "required": ["method", "requestId", "result"],
        }
        messages[wire] = {
            "name": wire,
            "title": wire,
            "summary": command["summary"],
            "payload": {"$ref": f"#/components/schemas/{name}Request"},
            "x-confgen-kind": "command",
        }
        messages[f"{wire}Reply"] = {
            "name": f"{wire}Reply",
            "title": f"{wire}Reply",
            "summary": f"Reply to {wire}.",
            "payload": {"$ref": f"#/components/schemas/{name}Reply"},
            "x-confgen-kind": "reply",
        }
        operations[wire] = {
            "action": "send",
            "channel": {"$ref": "#/channels/room"},
            "summary": command["summary"],
            "messages": [{"$ref": f"#/channels/room/messages/{wire}"}],
            "reply": {
                "channel": {"$ref": "#/channels/room"},
                "messages": [{"$ref": f"#/channels/room/messages/{wire}Reply"}],
            },
        }
    for event in select.get("notifications", []):
        if event not in events:
            raise ExtractError(f"consts.EVENT has no notification {event!r}", source=consts.path)
        name = _pascal(event)
        event_properties: dict[str, Any] = {
            "method": {"type": "string", "const": "event"},
            "event": {"type": "string", "const": event},
        }
        for field in events[event]:
            event_properties.setdefault(field, {})
        schemas[f"{name}Event"] = {
            "type": "object",
            "properties": event_properties,
            "required": ["method", "event"],
            "additionalProperties": True,
        }
        messages[event] = {
            "name": event,
            "title": event,
            "payload": {"$ref": f"#/components/schemas/{name}Event"},
            "x-confgen-kind": "notification",
        }
        operations[f"on{name}"] = {
            "action": "receive",
            "channel": {"$ref": "#/channels/room"},
            "messages": [{"$ref": f"#/channels/room/messages/{event}"}],
        }
    return {
        "channels": {
            "room": {"messages": {m: {"$ref": f"#/components/messages/{m}"} for m in messages}}
        },
        "operations": operations,
        "components": {"schemas": schemas, "messages": messages},
        "x-confgen-wrapper": {
            "commands": {wire: commands[wire] for wire in sorted(commands)},
            "constants": constants,
        },
    }


def merge_asyncapi(
    page_document: Mapping[str, Any],
    wrapper: Mapping[str, Any],
    *,
    pages: list[Page],
    methods_source: str,
    consts_source: str,
) -> tuple[dict[str, Any], list[Difference]]:
    """The page's document plus the wrapper's commands and notifications; where both
    describe a message the page's is kept, and every difference is reported."""
    result = copy.deepcopy(dict(page_document))
    report: list[Difference] = []
    known = wrapper.get("x-confgen-wrapper", {})
    page_text = pages[0] if pages else Page("<page>", "")

    def page_line(name: str) -> str:
        for number, line in enumerate(page_text.text.split("\n"), start=1):
            if name in line:
                return f"{page_text.path}:{number}"
        return page_text.path

    # The page's commands against the wrapper's version of the same command.
    for wire, operation in (page_document.get("operations") or {}).items():
        if operation.get("action") != "send" or wire not in known.get("commands", {}):
            continue
        command = known["commands"][wire]
        schema = page_document["components"]["schemas"].get(f"{_pascal(wire)}Request", {})
        page_properties = set(schema.get("properties") or {}) - {"method", "requestId"}
        wrapper_properties = set(command["params"])
        for name in sorted(page_properties ^ wrapper_properties):
            report.append(
                Difference(
                    f"{wire}: parameter {name}",
                    page_line(name),
                    f"{methods_source}:{command['line']}",
                    "present" if name in page_properties else "absent",
                    "present" if name in wrapper_properties else "absent",
                    "trueconf: the page wins (it documents the newer parameters)",
                )
            )
        page_required = set(schema.get("required") or []) - {"method", "requestId"}
        wrapper_required = {k for k, v in command["params"].items() if v["required"]}
        for name in sorted(
            (page_required ^ wrapper_required) & page_properties & wrapper_properties
        ):
            report.append(
                Difference(
                    f"{wire}: parameter {name}: required",
                    page_line(name),
                    f"{methods_source}:{command['line']}",
                    str(name in page_required).lower(),
                    str(name in wrapper_required).lower(),
                    "trueconf: the page wins",
                )
            )
        for prop, value in (schema.get("properties") or {}).items():
            for constant, text in sorted(known.get("constants", {}).items()):
                suffix = constant.split("_", 1)[-1]
                if (
                    constant.startswith(prop.upper())
                    and suffix in (value.get("enum") or [])
                    and text != suffix
                ):
                    report.append(
                        Difference(
                            f"{wire}: {prop} value {suffix}",
                            page_line(suffix),
                            f"{consts_source} ({constant})",
                            suffix,
                            text,
                            f"trueconf: the page wins ({text!r} is a typo for {suffix!r})",
                        )
                    )
    # A notification both describe: the page's schema, with the fields only the wrapper
    # lists added (untyped, as the wrapper gives them).
    page_schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, value in wrapper["components"]["messages"].items():
        if value.get("x-confgen-kind") != "notification":
            continue
        schema_name = value["payload"]["$ref"].rsplit("/", 1)[-1]
        page_schema = page_schemas.get(schema_name)
        if page_schema is None:
            continue
        properties = page_schema.setdefault("properties", {})
        for field, field_schema in wrapper["components"]["schemas"][schema_name][
            "properties"
        ].items():
            if field not in properties:
                properties[field] = copy.deepcopy(field_schema)
                report.append(
                    Difference(
                        f"notification {name}: field {field}",
                        page_line(name),
                        f"{consts_source} (EVENT {name})",
                        "absent",
                        "present",
                        "trueconf: a field only the wrapper lists is added to the page's schema",
                    )
                )
    # Add what the page does not describe; the page's own entries stay.
    for section in ("schemas", "messages"):
        target = result.setdefault("components", {}).setdefault(section, {})
        for name, value in wrapper["components"][section].items():
            target.setdefault(name, copy.deepcopy(value))
    channel = result["channels"]["room"].setdefault("messages", {})
    for name, value in wrapper["channels"]["room"]["messages"].items():
        channel.setdefault(name, copy.deepcopy(value))
    operations = result.setdefault("operations", {})
    for name, value in wrapper["operations"].items():
        operations.setdefault(name, copy.deepcopy(value))
    return result, report
