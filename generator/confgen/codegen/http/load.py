"""OpenAPI 3.0/3.1 document -> `Api` (the IR the templates render).

With `shape` (the document's structure) and `examples` (README values), the one
place that knows OpenAPI. Everything the generator cannot render is
refused here with a `ConfgenError` naming the spec file and the JSON pointer, so the
later stages never meet a half-understood construct.

Loaded with ``strict=False`` (``confgen generate --spec`` on a whole real API), a
refusal does not end the run: the smallest enclosing unit (a response, an optional
parameter, an operation, a component schema rendered as ``Any``) is left out and
recorded in `Api.skipped` with its pointer and reason; names that would collide are
suffixed and recorded in `Api.renamed`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any, cast

from confgen.codegen.annotations import Annotations, TypedDicts
from confgen.codegen.diagnostics import Diagnostic
from confgen.codegen.http.examples import example_of, placeholder
from confgen.codegen.http.ir import (
    Api,
    Auth,
    Credential,
    ErrorModel,
    Operation,
    Pagination,
    Parameter,
    ParameterLocation,
    Requirement,
    Resource,
    SecurityScheme,
    ServerVariable,
    SessionUrl,
)
from confgen.codegen.http.shape import HTTP_METHODS, check_shape
from confgen.codegen.models import PARAMETERS_MARK
from confgen.codegen.naming import (
    RESERVED_ARGUMENTS,
    check_unique,
    class_identifier,
    method_reserved,
    operation_id_from_route,
    pascal_case,
    python_identifier,
    resource_name,
    resource_reserved,
    snake_case,
)
from confgen.codegen.patterns import drop_uncompilable_patterns, pattern_notes
from confgen.codegen.spec import (
    SCHEMA_PREFIX,
    Spec,
    check_schema,
    is_file_schema,
    ref_closure,
    rename_refs,
    schema_class_names,
    stripped_text,
    walk_refs,
)
from confgen.errors import ConfgenError, json_pointer

__all__ = ["load_api"]

# OpenAPI: "If in is header and the name field is Accept, Content-Type or Authorization,
# the parameter definition SHALL be ignored." Auth comes from the security scheme.
_IGNORED_HEADERS = frozenset({"authorization", "content-type", "accept"})
_JSON = "application/json"
_FORM = "application/x-www-form-urlencoded"
_MULTIPART = "multipart/form-data"
_OCTET_STREAM = "application/octet-stream"
_EVENT_STREAM = "text/event-stream"
_RETRY_MODES = frozenset({"idempotent", "idempotency-key", "unprocessed", "never"})


# RFC 9110 token characters: what a User-Agent product version may hold.
_NOT_TOKEN = re.compile(r"[^A-Za-z0-9!#$%&'*+.^_`|~-]+")


def _header_token(version: str) -> str:
    """``info.version`` as a User-Agent product version: runs of characters a header
    token cannot hold (spaces, quotes, non-ASCII) become ``-``; ``0`` when nothing is left."""
    return _NOT_TOKEN.sub("-", version).strip("-") or "0"


def _refuses_empty(schema: Mapping[str, Any]) -> bool:
    """Whether a path parameter's schema is a string one that says nothing of ``""``: no
    ``minLength`` of its own (``minLength: 0`` allows an empty segment explicitly), and
    no ``enum``/``const`` holding ``""``."""
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    if "string" not in kinds or "minLength" in schema:
        return False
    enum = schema.get("enum")
    return not (isinstance(enum, list) and "" in enum) and schema.get("const") != ""


# --- operations --------------------------------------------------------------------


class _Loader:
    """Builds the IR from one document (state: the schemas it synthesizes on the way)."""

    def __init__(self, spec: Spec, package: str, client_class: str) -> None:
        self.spec = spec
        self.package = package
        self.client_class = client_class
        components = spec.document.get("components") or {}
        raw_schemas = components.get("schemas") or {}
        if not isinstance(raw_schemas, Mapping):
            raise spec.error("components.schemas must be an object", ("components", "schemas"))
        kept: dict[str, Any] = {}
        for name, schema in raw_schemas.items():
            where = ("components", "schemas", name)
            try:
                check_schema(spec, schema, where)
                if not spec.strict:
                    for ref, at in walk_refs(schema, where):
                        spec.lookup(ref, at)
            except ConfgenError as error:
                spec.skip(error, f"schema {name!r} rendered as Any")
                schema = {}
            kept[name] = schema
        raw_schemas = kept
        self.class_names = schema_class_names(spec, raw_schemas)
        # Schemas under their class names, refs rewritten to match.
        self.schemas: dict[str, Any] = {
            self.class_names[name]: rename_refs(schema, self.class_names)
            for name, schema in raw_schemas.items()
        }
        self.synth_request: dict[str, Any] = {}
        self.synth_response: dict[str, Any] = {}
        self.request_roots: set[str] = set()
        self.typed_dicts = TypedDicts()
        self.annotations = Annotations(spec, self.class_names, self.typed_dicts)
        self.route_ids: dict[tuple[str, str], str] = {}

    # -- helpers --

    def _taken(self, name: str) -> bool:
        return name in self.schemas or name in self.synth_request or name in self.synth_response

    def _new_class(self, name: str, where: tuple[Any, ...]) -> str:
        if not self._taken(name):
            return name
        if self.spec.strict:
            raise self.spec.error(
                f"the generated model name {name!r} collides with a schema of that name", where
            )
        counter = 2
        while self._taken(f"{name}{counter}"):
            counter += 1
        self.spec.renamed.append(
            Diagnostic(
                "rename", json_pointer(list(where)), f"model {name!r} renamed {name}{counter}"
            )
        )
        return f"{name}{counter}"

    def _model_for(self, schema: Any, name: str, where: tuple[Any, ...], *, request: bool) -> str:
        """The class of a schema: its component's, or a new one synthesized for it."""
        if isinstance(schema, Mapping) and set(schema) == {"$ref"}:
            ref = schema["$ref"]
            self.spec.lookup(ref, where)
            if isinstance(ref, str) and ref.startswith(SCHEMA_PREFIX):
                class_name = self.class_names[ref[len(SCHEMA_PREFIX) :]]
                if request:
                    self.request_roots.add(class_name)
                return class_name
        check_schema(self.spec, schema, where)
        class_name = self._new_class(name, where)
        renamed = rename_refs(schema, self.class_names)
        (self.synth_request if request else self.synth_response)[class_name] = renamed
        return class_name

    @staticmethod
    def _json_media(content: Any) -> tuple[str, Mapping[str, Any]] | None:
        if not isinstance(content, Mapping):
            return None
        for media in sorted(content):
            base = media.split(";")[0].strip().lower()
            if base == _JSON or base.endswith("+json"):
                return media, content[media] or {}
        return None

    # -- operations --

    def _route_ids(self, paths: Mapping[str, Any]) -> dict[tuple[str, str], str]:
        """``(path, method)`` -> a name for each operation without an operationId: its
        route's (`operation_id_from_route`), suffixed ``_2``, ``_3``... in path order when
        an operationId or an earlier route already gives that name."""
        routes: list[tuple[str, str]] = []
        taken: set[str] = set()
        for path in sorted(paths):
            item = paths[path]
            if not isinstance(item, Mapping):
                continue
            for method in HTTP_METHODS:
                node = item.get(method)
                if not isinstance(node, Mapping):
                    continue
                explicit = node.get("operationId")
                if isinstance(explicit, str) and explicit:
                    taken.add(snake_case(explicit))
                else:
                    routes.append((path, method))
        out: dict[tuple[str, str], str] = {}
        for path, method in routes:
            base = operation_id_from_route(method, path)
            name, counter = base, 2
            while name in taken:
                name, counter = f"{base}_{counter}", counter + 1
            taken.add(name)
            out[(path, method)] = name
        return out

    def operations(self) -> list[Operation]:
        paths = self.spec.document.get("paths") or {}
        self.route_ids = self._route_ids(paths)
        operations: list[Operation] = []
        for path in sorted(paths):
            try:
                item = self.spec.deref(paths[path], ("paths", path))
            except ConfgenError as error:
                self.spec.skip(error, "path skipped")
                continue
            shared = item.get("parameters") or []
            for method in HTTP_METHODS:
                if method in item:
                    where = ("paths", path, method)
                    state = self._snapshot()
                    try:
                        if not self.spec.strict:  # responses check theirs one by one
                            node = {k: v for k, v in item[method].items() if k != "responses"}
                            for ref, at in walk_refs(node, where):
                                self.spec.lookup(ref, at)
                        operations.append(self.operation(path, method, item[method], shared, where))
                    except ConfgenError as error:
                        self._restore(state)
                        self.spec.skip(error, f"operation {method.upper()} {path} skipped")
        return operations

    def _note_reserved(
        self,
        original: str,
        chosen: str,
        what: str,
        where: tuple[Any, ...],
        *,
        taken: str = "by the generated code",
    ) -> None:
        """A ``note:`` when a name got a suffix because the generated code uses it."""
        plain = python_identifier(original)
        if chosen != plain and chosen.rstrip("_") == plain.rstrip("_"):
            note = Diagnostic(
                "rename",
                json_pointer(list(where)),
                f"{what} {original!r} renamed {chosen!r} ({plain!r} is used {taken})",
            )
            if note not in self.spec.renamed:
                self.spec.renamed.append(note)

    def _snapshot(self) -> tuple[set[str], set[str], set[str], int]:
        return (
            set(self.synth_request),
            set(self.synth_response),
            set(self.request_roots),
            len(self.spec.skipped),
        )

    def _restore(self, state: tuple[set[str], set[str], set[str], int]) -> None:
        """Forget what a skipped unit synthesized (its skips too: the unit's one replaces them)."""
        request, response, roots, skipped = state
        for name in set(self.synth_request) - request:
            del self.synth_request[name]
        for name in set(self.synth_response) - response:
            del self.synth_response[name]
        self.request_roots &= roots
        del self.spec.skipped[skipped:]

    def operation(
        self,
        path: str,
        method: str,
        node: Mapping[str, Any],
        shared: list[Any],
        where: tuple[Any, ...],
    ) -> Operation:
        spec = self.spec
        operation_id = node.get("operationId")
        if not isinstance(operation_id, str) or not operation_id:
            # Named after its route (deterministic, collision-free: `_route_ids`).
            operation_id = self.route_ids[(path, method)]
        name = python_identifier(operation_id, reserved=method_reserved())
        self._note_reserved(operation_id, name, "operationId", (*where, "operationId"))
        tags = node.get("tags")
        if tags is None or tags == []:
            tags = ["default"]
        if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
            raise spec.error("tags must be a list of strings", (*where, "tags"))
        resource = python_identifier(resource_name(tags[0]), reserved=resource_reserved())
        self._note_reserved(
            resource_name(tags[0]), resource, "tag", (*where, "tags", 0), taken="by the client"
        )
        base = class_identifier(operation_id, "Operation")

        parameters = self._parameters(node, shared, where, base)
        params_model = None
        params_props = {p.wire_name: s for p, s in parameters if p.location != "body"}
        if params_props:
            params_model = self._new_class(f"{base}Params", where)
            self.synth_request[params_model] = {
                PARAMETERS_MARK: True,
                "type": "object",
                "additionalProperties": False,
                "properties": rename_refs(params_props, self.class_names),
                "required": sorted(
                    p.wire_name for p, _ in parameters if p.required and p.location != "body"
                ),
            }
        declared = {p.wire_name for p, _ in parameters if p.location == "path"}
        for variable in re.findall(r"\{([^{}]*)\}", path):
            if variable not in declared:
                raise ConfgenError(
                    f"path variable {{{variable}}} has no path parameter",
                    source=spec.source,
                    pointer=json_pointer(list(where)),
                    expected=f"a parameter with in: path and name: {variable}",
                )
        body_model, content_type, body_params, body_style = self._body(node, base, where)
        every = [p for p, _ in parameters] + body_params
        python_names = spec.unique(
            [(f"{p.location}:{p.wire_name}", p.name, json_pointer(list(where))) for p in every],
            what="parameter",
        )
        every = [
            dataclasses.replace(p, name=python_names[f"{p.location}:{p.wire_name}"]) for p in every
        ]
        for p in every:
            self._note_reserved(p.wire_name, p.name, "parameter", where)
        ordered = [p for p in every if p.required] + [p for p in every if not p.required]

        retry = node.get("x-confgen-retry") or {}
        mode = retry.get("mode")
        if mode is not None and mode not in _RETRY_MODES:
            raise spec.error(
                f"unknown retry mode {mode!r} (expected one of {', '.join(sorted(_RETRY_MODES))})",
                (*where, "x-confgen-retry", "mode"),
            )
        key = None
        default_key = spec.document.get("x-confgen-idempotency")
        if "x-confgen-retry" not in node and method in ("post", "patch") and default_key:
            key = _default_idempotency_key(spec, default_key, every)
            mode = "idempotency-key" if key is not None else None
        elif mode == "idempotency-key":
            key_node = retry.get("key") or {}
            key = (str(key_node.get("in")), str(key_node.get("name")))
            if not any(p.location == key[0] and p.wire_name == key[1] for p in every):
                raise spec.error(
                    f"idempotency key {key[1]!r} in {key[0]} is not a parameter of the operation",
                    (*where, "x-confgen-retry", "key"),
                )
        groups = []
        known = {p.wire_name for p in every}
        for index, group in enumerate(node.get("x-confgen-mutually-exclusive") or []):
            missing = [field for field in group if field not in known]
            if missing:
                raise spec.error(
                    f"mutually exclusive field(s) {', '.join(missing)} are not parameters",
                    (*where, "x-confgen-mutually-exclusive", index),
                )
            groups.append(tuple(str(field) for field in group))

        response_model, error_models = self._responses(node, base, where)
        accept, response_kind = _response_media(spec, node, where)
        if response_kind == "event-stream":
            response_model = self._event_model(node, base, where)
        session_url = self._session_url(node, where)
        pagination, item_model = (None, None)
        if response_model is not None and response_kind == "json":
            pagination, item_model = self._pagination(node, method, parameters, where)
        return Operation(
            operation_id=operation_id,
            name=name,
            resource=resource,
            http_method=method.upper(),
            path=path,
            summary=stripped_text(node.get("summary")),
            description=stripped_text(node.get("description")),
            pointer=json_pointer(list(where)),
            parameters=tuple(ordered),
            params_model=params_model,
            body_model=body_model,
            body_content_type=content_type,
            body_style=body_style,
            response_model=response_model,
            error_models=tuple(error_models),
            retry_mode=mode,
            idempotency_key=key,
            mutually_exclusive=tuple(groups),
            pagination=pagination,
            item_model=item_model,
            accept=accept,
            response_kind=response_kind,
            deprecated=node.get("deprecated") is True,
            multipart_encoding=_multipart_encoding(spec, node, where),
            form_encoding=_form_encoding(spec, node, where),
            session_url=session_url,
            security=self._requirements(node.get("security"), (*where, "security")),
        )

    def _pagination(
        self,
        node: Mapping[str, Any],
        method: str,
        parameters: list[tuple[Parameter, Any]],
        where: tuple[Any, ...],
    ) -> tuple[Pagination | None, str | None]:
        """The list scheme from ``x-confgen-pagination``, else detected for GETs of the
        common shapes: Telnyx ``page[number]`` + ``meta.total_pages``, a ``links.next``
        URL (SignalWire), a top-level array with a ``page`` parameter (GitHub's ``Link``)."""
        spec = self.spec
        overlay = node.get("x-confgen-pagination")
        if overlay is None and method != "get":
            return None, None
        schema = self._success_schema(node, where)
        props = schema.get("properties") if isinstance(schema, Mapping) else None
        props = props if isinstance(props, Mapping) else {}
        at = (*where, "x-confgen-pagination")
        if overlay is not None:
            if not isinstance(overlay, Mapping) or overlay.get("kind") not in _PAGINATION_KINDS:
                raise spec.error(
                    f"x-confgen-pagination needs kind: one of {', '.join(sorted(_PAGINATION_KINDS))}",
                    at,
                )
            scheme = Pagination(
                kind=str(overlay["kind"]),
                items=_key_path(overlay.get("items", "data")),
                param=_param_path(overlay.get("param", ""), parameters),
                total_pages=_key_path(overlay["total_pages"]) if "total_pages" in overlay else None,
                cursor=_key_path(overlay["cursor"]) if "cursor" in overlay else None,
                next=_key_path(overlay["next"]) if "next" in overlay else None,
            )
            needs = {
                "page-number": "param",
                "offset": "param",
                "cursor": "cursor",
                "next-link": "next",
            }
            missing = needs.get(scheme.kind)
            if missing and not getattr(scheme, missing):
                raise spec.error(f"x-confgen-pagination kind {scheme.kind} needs {missing}", at)
            if scheme.kind == "cursor" and not scheme.param:
                raise spec.error("x-confgen-pagination kind cursor needs param", at)
            return scheme, self._item_model(schema, scheme.items, where)
        query = {p.wire_name: (p, s) for p, s in parameters if p.location == "query"}
        if _is_array(spec, props.get("data"), where):
            items: tuple[str, ...] = ("data",)
        elif _is_array(spec, schema, where):
            items = ()
        else:
            return None, None
        found: Pagination | None = None
        has_total = "total_pages" in _properties(spec, props.get("meta"), where)
        page = query.get("page")
        if page is not None and page[0].style == "deepObject" and has_total:
            page_props = spec.deref(page[1], where).get("properties") or {}
            if "number" in page_props:
                found = Pagination(
                    "page-number", items, ("page", "number"), ("meta", "total_pages")
                )
        elif "page[number]" in query and has_total:
            found = Pagination("page-number", items, ("page[number]",), ("meta", "total_pages"))
        if found is None:
            if "next" in _properties(spec, props.get("links"), where):
                found = Pagination("next-link", items, next=("links", "next"))
            elif items == () and page is not None and page[0].style == "form":
                found = Pagination("link-header", items)
        if found is None:
            return None, None
        return found, self._item_model(schema, items, where)

    def _session_url(self, node: Mapping[str, Any], where: tuple[Any, ...]) -> SessionUrl | None:
        """``x-confgen-session-url``, its fields checked against the success body."""
        entry = node.get("x-confgen-session-url")
        if entry is None:
            return None
        at = (*where, "x-confgen-session-url")
        schema = self._success_schema(node, where)
        known = _properties(self.spec, schema, where)
        for key in ("url", "secure_url"):
            field = entry.get(key)
            if field is not None and field not in known:
                raise self.spec.error(
                    f"x-confgen-session-url {key} {field!r} is not a field of the success body",
                    (*at, key),
                )
        name = str(entry["name"])
        if not name.isidentifier() or name.startswith("_"):
            raise self.spec.error(f"x-confgen-session-url name {name!r} is no method name", at)
        return SessionUrl(name, str(entry["url"]), entry.get("secure_url"))

    def _event_model(
        self, node: Mapping[str, Any], base: str, where: tuple[Any, ...]
    ) -> str | None:
        """The model of an event stream's ``data``: the ``text/event-stream`` media's
        ``itemSchema`` (OpenAPI 3.2) or ``schema``, when it is not a plain string (then the
        data stays ``str``)."""
        responses = node.get("responses") or {}
        for status in sorted(responses, key=str):
            if not str(status).startswith("2"):
                continue
            at = (*where, "responses", status)
            content = self.spec.deref(responses[status], at).get("content") or {}
            for media, entry in sorted(content.items()):
                if str(media).split(";")[0].strip().lower() != _EVENT_STREAM:
                    continue
                entry = entry if isinstance(entry, Mapping) else {}
                key = "itemSchema" if "itemSchema" in entry else "schema"
                schema = entry.get(key)
                if not isinstance(schema, Mapping):
                    return None
                resolved = self.spec.deref(schema, (*at, "content", media, key))
                if resolved.get("type") == "string" or not resolved:
                    return None
                return self._model_for(
                    schema, f"{base}Event", (*at, "content", media, key), request=False
                )
        return None

    def _success_schema(self, node: Mapping[str, Any], where: tuple[Any, ...]) -> Any:
        responses = node.get("responses") or {}
        for status in sorted(responses, key=str):
            if not str(status).startswith("2"):
                continue
            response = self.spec.deref(responses[status], where)
            media = self._json_media(response.get("content"))
            if media is not None and "schema" in media[1]:
                return self.spec.deref(media[1]["schema"], where)
        return {}

    def _item_model(
        self, schema: Any, items: tuple[str, ...], where: tuple[Any, ...]
    ) -> str | None:
        node = schema
        for key in items:
            node = self.spec.deref(node, where)
            node = (node.get("properties") or {}).get(key) if isinstance(node, Mapping) else None
        node = self.spec.deref(node, where) if isinstance(node, Mapping) else None
        item = node.get("items") if isinstance(node, Mapping) else None
        if isinstance(item, Mapping) and set(item) == {"$ref"}:
            ref = str(item["$ref"])
            if ref.startswith(SCHEMA_PREFIX):
                return self.class_names.get(ref[len(SCHEMA_PREFIX) :])
        return None

    def _parameters(
        self, node: Mapping[str, Any], shared: list[Any], where: tuple[Any, ...], hint: str
    ) -> list[tuple[Parameter, Any]]:
        """Path, query and header parameters (operation-level ones override path-level)."""
        spec = self.spec
        merged: dict[tuple[str, str], tuple[Mapping[str, Any], tuple[Any, ...]]] = {}
        for origin, items in (("shared", shared), ("own", node.get("parameters") or [])):
            for index, raw in enumerate(items):
                at = (
                    (*where[:-1], "parameters", index)
                    if origin == "shared"
                    else (
                        *where,
                        "parameters",
                        index,
                    )
                )
                param = spec.deref(raw, at)
                location, wire = param.get("in"), param.get("name")
                if location not in ("path", "query", "header", "cookie") or not isinstance(
                    wire, str
                ):
                    raise spec.error("a parameter needs 'name' and 'in'", at)
                if location == "header" and wire.lower() in _IGNORED_HEADERS:
                    continue
                merged[(location, wire)] = (param, at)
        out = []
        for (location, wire), (param, at) in merged.items():
            schema = param.get("schema")
            if schema is None:
                raise spec.error("a parameter without 'schema' is not supported", at)
            check_schema(spec, schema, (*at, "schema"))
            schema = dict(schema)
            if (
                location == "query"
                and schema.get("type") == "string"
                and "minLength" not in schema
                and not param.get("allowEmptyValue")
            ):
                # OpenAPI: an empty query value is invalid unless allowEmptyValue says so.
                schema["minLength"] = 1
            elif location == "path" and _refuses_empty(schema):
                # An empty value is an empty segment (/buckets//usage): another resource,
                # or none. Refused before any I/O unless the schema allows "" itself.
                schema["minLength"] = 1
            description = stripped_text(param.get("description"))
            if description and "description" not in schema:
                schema["description"] = description
            found, example = example_of(param)
            if not found:
                example = placeholder(spec, schema, wire, (*at, "schema"))
            loc = cast(ParameterLocation, location)
            style, explode, allow_reserved = _serialisation(spec, param, location, at)
            out.append(
                (
                    Parameter(
                        name=python_identifier(wire, reserved=RESERVED_ARGUMENTS),
                        wire_name=wire,
                        location=loc,
                        required=bool(param.get("required")) or location == "path",
                        annotation=self.annotations.of(
                            schema, (*at, "schema"), hint=f"{hint}{pascal_case(wire)}"
                        ),
                        description=description,
                        example=example,
                        has_example=found,
                        style=style,
                        explode=explode,
                        allow_reserved=allow_reserved,
                        deprecated=param.get("deprecated") is True,
                    ),
                    schema,
                )
            )
        return out

    def _body(
        self, node: Mapping[str, Any], base: str, where: tuple[Any, ...]
    ) -> tuple[str | None, str | None, list[Parameter], str]:
        """The body model, its content type, its arguments, and how they make the body.

        The style is ``fields`` (an object with ``properties``: one argument per
        property), ``single`` (any other JSON body: one ``body`` argument validated
        against its model) or ``raw`` (neither JSON nor a form: ``body`` bytes or str).
        """
        spec = self.spec
        if "requestBody" not in node:
            return None, None, [], "fields"
        at = (*where, "requestBody")
        body = spec.deref(node["requestBody"], at)
        content = body.get("content") or {}
        media = self._json_media(content)
        for form in (_FORM, _MULTIPART):
            if media is None and form in content:
                media = (form, content[form] or {})
        if media is None and isinstance(content, Mapping):
            media = self._wildcard_object_media(content, at)
        if media is None and content and isinstance(content, Mapping):
            media_type = sorted(content)[0]
            described = stripped_text(body.get("description")) or f"The {media_type} body."
            mime = _OCTET_STREAM if "*" in media_type else media_type.split(";")[0].strip()
            argument = self._raw_body_argument(described, bool(body.get("required")))
            return None, mime, [argument], "raw"
        if media is None:
            raise spec.error("a request body without 'content' is not supported", at)
        media_type, media_node = media
        at = (*at, "content", media_type)
        # A wildcard body (``*/*``) with an object schema is sent as JSON, which it accepts.
        sent = _JSON if "*" in media_type else media_type.split(";")[0].strip().lower()
        raw_schema = media_node.get("schema")
        schema = spec.deref(raw_schema, (*at, "schema"))
        is_object = isinstance(schema, Mapping) and isinstance(schema.get("properties"), Mapping)
        if not is_object and (spec.strict or media_type == _FORM):
            raise spec.error(
                "only object request bodies with 'properties' are supported", (*at, "schema")
            )
        body_model = self._model_for(raw_schema, f"{base}Body", (*at, "schema"), request=True)
        if not is_object:
            found, example = example_of(media_node)
            if not found:
                example = placeholder(spec, raw_schema, "body", (*at, "schema"))
            argument = Parameter(
                name="body",
                wire_name="body",
                location="body",
                required=bool(body.get("required")),
                annotation=self.annotations.of(raw_schema, (*at, "schema"), hint=f"{base}Body"),
                description=stripped_text(body.get("description")) or "The request body.",
                example=example,
                has_example=found,
            )
            return body_model, sent, [argument], "single"
        found_body, body_example = example_of(media_node)
        if not found_body:
            found_body, body_example = example_of(schema)
        required = set(schema.get("required") or [])
        params = []
        for wire, prop in schema["properties"].items():
            prop_at = (*at, "schema", "properties", wire)
            if _read_only(spec, prop, prop_at):
                continue  # set by the server: never a request argument
            found = found_body and isinstance(body_example, Mapping) and wire in body_example
            example = body_example[wire] if found else placeholder(spec, prop, wire, prop_at)
            if not found:
                found, _ = example_of(spec.deref(prop, prop_at))
            resolved = spec.deref(prop, prop_at)
            description = stripped_text(prop.get("description")) or stripped_text(
                resolved.get("description")
            )
            params.append(
                Parameter(
                    name=python_identifier(wire, reserved=RESERVED_ARGUMENTS),
                    wire_name=wire,
                    location="body",
                    required=wire in required,
                    annotation=self.annotations.of(
                        prop, prop_at, hint=f"{base}Body{pascal_case(wire)}"
                    ),
                    description=description,
                    example=example,
                    has_example=found,
                    deprecated=prop.get("deprecated") is True
                    or (isinstance(resolved, Mapping) and resolved.get("deprecated") is True),
                )
            )
        return body_model, sent, params, "fields"

    def _wildcard_object_media(
        self, content: Mapping[str, Any], at: tuple[Any, ...]
    ) -> tuple[str, Any] | None:
        """The ``*/*`` (or ``*``) media of a body whose schema is an object with properties
        (Telnyx's usage reports), else ``None`` (such a body is sent as raw bytes)."""
        for media_type in sorted(content):
            if media_type.split(";")[0].strip() not in ("*/*", "*"):
                continue
            node = content[media_type] or {}
            schema = self.spec.deref(node.get("schema"), (*at, "content", media_type, "schema"))
            if isinstance(schema, Mapping) and isinstance(schema.get("properties"), Mapping):
                return media_type, node
        return None

    @staticmethod
    def _raw_body_argument(description: str, required: bool) -> Parameter:
        return Parameter(
            name="body",
            wire_name="body",
            location="body",
            required=required,
            annotation="bytes | str",
            description=description,
            example="",
            has_example=False,
        )

    def _responses(
        self, node: Mapping[str, Any], base: str, where: tuple[Any, ...]
    ) -> tuple[str | None, list[ErrorModel]]:
        spec = self.spec
        responses = node.get("responses") or {}
        success: str | None = None
        errors: list[ErrorModel] = []
        for status in sorted(responses, key=str):
            key = str(status).upper() if str(status).lower() != "default" else "default"
            at = (*where, "responses", status)
            state = self._snapshot()
            try:
                if not spec.strict:
                    for ref, ref_at in walk_refs(responses[status], at):
                        spec.lookup(ref, ref_at)
                response = spec.deref(responses[status], at)
                media = self._json_media(response.get("content"))
                if media is None or "schema" not in media[1]:
                    continue
                schema = media[1]["schema"]
                schema_at = (*at, "content", media[0], "schema")
                if key.startswith("2") and success is None:
                    success = self._model_for(schema, f"{base}Response", schema_at, request=False)
                elif key[0] in "45" or key == "default":
                    model = self._model_for(schema, f"{base}Error{key}", schema_at, request=False)
                    errors.append(ErrorModel(status=key, model=model))
            except ConfgenError as error:
                self._restore(state)
                spec.skip(error, f"response {key} skipped (its body is not decoded)")
        return success, errors

    # -- document level --

    def server(self) -> tuple[str, str, tuple[ServerVariable, ...]]:
        """``(base URL, relative server path, variables)``.

        An absolute ``servers[0].url`` is the default base URL; a protocol-relative one
        (``//host/v2``) gets ``https:``; a relative one (``/v2``) or none at all leaves no
        default (``""``): the client then requires ``base_url``, and the relative path is
        kept to resolve against an origin the caller gives (see the client template).
        """
        spec = self.spec
        servers = spec.document.get("servers") or []
        if not servers or not isinstance(servers[0], Mapping) or "url" not in servers[0]:
            self._note(("servers",), "no servers: the client requires base_url")
            return "", "", ()
        url = str(servers[0]["url"]).strip().rstrip("/")
        variables = servers[0].get("variables") or {}
        out = []
        for name in re.findall(r"\{([^{}]+)\}", url):
            at = ("servers", 0, "variables", name)
            variable = variables.get(name)
            if not isinstance(variable, Mapping):
                raise spec.error(f"server variable {name!r} is not declared", at)
            argument = variable.get("x-confgen-argument")
            if argument is None:
                # Not a constructor argument: its default is the value.
                if "default" not in variable:
                    raise spec.error(f"server variable {name!r} has no default", at)
                url = url.replace("{" + name + "}", str(variable["default"])).rstrip("/")
                continue
            out.append(
                ServerVariable(
                    name=name,
                    argument=python_identifier(str(argument)),
                    env=str(
                        variable.get("x-confgen-env")
                        or f"{self.package.upper()}_{snake_case(str(argument)).upper()}"
                    ),
                    description=stripped_text(variable.get("description")),
                )
            )
        if url.startswith("//"):
            self._note(("servers", 0, "url"), f"protocol-relative server {url!r} used as https:")
            url = "https:" + url
        if url.startswith(("http://", "https://")):
            return url, "", tuple(out)
        if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", url) or out:
            raise spec.error(
                f"servers[0].url must be an http(s) URL or a relative path, got {url!r}",
                ("servers", 0, "url"),
            )
        path = url if url.startswith("/") else "/" + url
        self._note(
            ("servers", 0, "url"),
            f"relative server {url!r}: the client requires base_url (an origin gets {path!r})",
        )
        return "", "" if path == "/" else path, ()

    def _note(self, where: tuple[Any, ...], message: str) -> None:
        """A ``note:`` line for something generated differently from what the spec says."""
        self.spec.renamed.append(Diagnostic("note", json_pointer(list(where)), message))

    def auth(self) -> Auth:
        """Every security scheme a requirement names (global or per operation), with
        the credentials the client takes for each, and the global requirements.

        OAuth2 without a client-credentials flow and OpenID Connect take an access token
        the caller holds. A scheme the client cannot satisfy (mutual TLS: a certificate,
        not a credential the client sends) is skipped with a note; requirements naming
        it become unsatisfiable alternatives, never silently empty ones.
        """
        spec = self.spec
        used: list[str] = []
        for requirement in self._requirement_nodes():
            for name in requirement:
                if name not in used:
                    used.append(str(name))
        schemes_node = (spec.document.get("components") or {}).get("securitySchemes") or {}
        schemes: list[SecurityScheme] = []
        taken: set[str] = set()
        kinds = [self._scheme_kind(schemes_node, name) for name in used]
        for name in used:
            at = ("components", "securitySchemes", name)
            try:
                if name not in schemes_node:
                    raise spec.error(f"security scheme {name!r} is not defined", at)
                scheme = self._scheme(name, spec.deref(schemes_node[name], at), kinds, taken)
            except ConfgenError as error:
                spec.skip(error, f"security scheme {name!r} not offered by the client")
                continue
            taken.update(c.argument for c in scheme.arguments)
            schemes.append(scheme)
        default = self._requirements(spec.document.get("security"), ("security",))
        return Auth(schemes=tuple(schemes), default=default or ())

    def _requirement_nodes(self) -> list[Mapping[str, Any]]:
        """The global and every operation's security requirement objects, in spec order."""
        out: list[Mapping[str, Any]] = []
        for requirement in self.spec.document.get("security") or []:
            if isinstance(requirement, Mapping):
                out.append(requirement)
        paths = self.spec.document.get("paths") or {}
        for path in sorted(paths):
            item = paths[path]
            if not isinstance(item, Mapping):
                continue
            for method in HTTP_METHODS:
                node = item.get(method)
                if isinstance(node, Mapping):
                    for requirement in node.get("security") or []:
                        if isinstance(requirement, Mapping):
                            out.append(requirement)
        return out

    def _requirements(self, node: Any, at: tuple[Any, ...]) -> tuple[Requirement, ...] | None:
        """``security`` as alternatives of ``(scheme, scopes)`` pairs (``None``: absent)."""
        if node is None:
            return None
        if not isinstance(node, list):
            raise self.spec.error("security must be a list of requirement objects", at)
        out: list[Requirement] = []
        for index, requirement in enumerate(node):
            if not isinstance(requirement, Mapping):
                raise self.spec.error("a security requirement must be an object", (*at, index))
            alternative = tuple(
                (str(name), tuple(str(scope) for scope in scopes or ()))
                for name, scopes in requirement.items()
            )
            if alternative not in out:  # a repeated alternative adds nothing
                out.append(alternative)
        return tuple(out)

    @staticmethod
    def _scheme_kind(schemes: Mapping[str, Any], name: str) -> str:
        scheme = schemes.get(name)
        return _kind_of(scheme) if isinstance(scheme, Mapping) else ""

    def _scheme(
        self, name: str, scheme: Mapping[str, Any], kinds: list[str], taken: set[str]
    ) -> SecurityScheme:
        """One scheme, its credential arguments named as x-confgen-auth says, else by
        kind (``api_key``; ``username``/``password``; ``client_id``/``client_secret``),
        prefixed with the scheme's name when another scheme of the API takes that name."""
        spec = self.spec
        at = ("components", "securitySchemes", name)
        prefix = self.package.upper()
        custom = scheme.get("x-confgen-auth")

        def credential(
            role: str,
            default: str,
            description: str,
            annotation: str = "str",
            sharing: int | None = None,
        ) -> Credential:
            if isinstance(custom, Mapping):
                entry = custom.get(role)
                if not isinstance(entry, Mapping) or "argument" not in entry or "env" not in entry:
                    raise spec.error(
                        f"x-confgen-auth needs {role}: {{argument, env}}", (*at, "x-confgen-auth")
                    )
                return Credential(
                    python_identifier(str(entry["argument"])),
                    str(entry["env"]),
                    description,
                    annotation,
                )
            argument = default
            # ``sharing``: how many schemes of the API take an argument named ``default``.
            if sharing is None:
                sharing = kinds.count(_kind_of(scheme))
            if argument in taken or sharing > 1:
                argument = f"{snake_case(name)}_{default}"
            argument = python_identifier(argument)
            return Credential(argument, f"{prefix}_{argument.upper()}", description, annotation)

        if isinstance(custom, Mapping):
            kind = str(custom.get("kind"))
            if kind == "service-account-jwt":
                lifetime = custom.get("lifetime_seconds")
                return SecurityScheme(
                    name,
                    "service-account-jwt",
                    (
                        credential(
                            "credentials",
                            "credentials",
                            "The service-account ``credentials.json``: a path, its parsed dict, "
                            "or its JSON text.",
                            "str | os.PathLike[str] | Mapping[str, Any]",
                        ),
                    ),
                    lifetime_seconds=int(lifetime) if lifetime is not None else None,
                )
            if kind not in ("bearer", "basic"):
                raise spec.error(f"unknown x-confgen-auth kind {kind!r}", (*at, "x-confgen-auth"))
        kind = _kind_of(scheme)
        if kind == "bearer":
            return SecurityScheme(
                name,
                "bearer",
                (credential("token", "api_key", "The API key, sent as a bearer token."),),
            )
        if kind == "basic":
            return SecurityScheme(
                name,
                "basic",
                (
                    credential("username", "username", "The HTTP Basic user name."),
                    credential("password", "password", "The HTTP Basic password."),
                ),
            )
        if kind == "apiKey":
            location = str(scheme.get("in"))
            parameter = scheme.get("name")
            if location not in ("header", "query", "cookie") or not isinstance(parameter, str):
                raise spec.error("an apiKey scheme needs name and in (header, query, cookie)", at)
            return SecurityScheme(
                name,
                "api-key",
                (
                    credential(
                        "key", "api_key", f"The API key, sent in the {parameter} {location}."
                    ),
                ),
                location=location,
                parameter=parameter,
            )
        # Every oauth2 and openIdConnect scheme takes an ``access_token``: prefixed when two do.
        tokens = sum(k in _TOKEN_KINDS for k in kinds)
        if kind == "oauth2":
            flows = scheme.get("flows")
            flows = flows if isinstance(flows, Mapping) else {}
            flow = flows.get("clientCredentials")
            token_url = flow.get("tokenUrl") if isinstance(flow, Mapping) else None
            if not isinstance(token_url, str) or not token_url:
                # The flows OpenAPI defines, named in words (any other key is not a flow).
                named = [_FLOW_NAMES[str(f)] for f in flows if str(f) in _FLOW_NAMES]
                which = f" ({', '.join(named)} flow)" if named else ""
                return SecurityScheme(
                    name,
                    "access-token",
                    (
                        credential(
                            "access_token",
                            "access_token",
                            f"An OAuth2 access token you already hold{which}, sent as a "
                            "bearer token; never fetched or refreshed by the client.",
                            sharing=tokens,
                        ),
                    ),
                )
            client_id = credential(
                "client_id", "client_id", "The OAuth2 client id (client credentials flow)."
            )
            client_secret = credential(
                "client_secret",
                "client_secret",
                "The OAuth2 client secret (client credentials flow).",
            )
            return SecurityScheme(
                name,
                "oauth2-client-credentials",
                (client_id, client_secret),
                token_url=token_url,
                access_token=credential(
                    "access_token",
                    "access_token",
                    "An OAuth2 access token you already hold, sent as a bearer token instead "
                    f"of one fetched with {client_id.argument} and {client_secret.argument} "
                    "(it wins when both are given; never refreshed).",
                    sharing=tokens,
                ),
            )
        if kind == "openIdConnect":
            url = scheme.get("openIdConnectUrl")
            # Named only when it is a plain URL: the description is one line of docs.
            plain = isinstance(url, str) and _PLAIN_URL.fullmatch(url) is not None
            where = f" (issued by the provider at {url})" if plain else ""
            return SecurityScheme(
                name,
                "access-token",
                (
                    credential(
                        "access_token",
                        "access_token",
                        f"An OpenID Connect access token you already hold{where}, sent as a "
                        "bearer token; never fetched or refreshed by the client.",
                        sharing=tokens,
                    ),
                ),
            )
        if kind == "mutualTLS":
            raise spec.error(
                "a mutualTLS scheme is a client certificate, not a credential the client "
                "sends: not supported (its operations need another scheme)",
                at,
            )
        raise spec.error(
            f"security scheme type {scheme.get('type')!r} is not supported (expected http "
            "bearer or basic, apiKey, oauth2, openIdConnect, or x-confgen-auth)",
            at,
        )

    def body_errors(self) -> tuple[tuple[str, ...], str] | None:
        node = self.spec.document.get("x-confgen-body-errors")
        if node is None:
            return None
        at = ("x-confgen-body-errors",)
        keys = node.get("keys")
        schema = node.get("schema")
        if not isinstance(keys, list) or not isinstance(schema, str):
            raise self.spec.error("x-confgen-body-errors needs keys (a list) and schema", at)
        model = self._model_for({"$ref": schema}, "BodyError", (*at, "schema"), request=False)
        return tuple(str(key) for key in keys), model


def _kind_of(scheme: Mapping[str, Any]) -> str:
    """``bearer``, ``basic`` (http schemes, or as x-confgen-auth says), ``apiKey``,
    ``oauth2``, ``service-account-jwt``... : what decides a scheme's credentials."""
    custom = scheme.get("x-confgen-auth")
    if isinstance(custom, Mapping):
        return str(custom.get("kind"))
    if scheme.get("type") == "http":
        return str(scheme.get("scheme")).lower()
    return str(scheme.get("type"))


_PLAIN_URL = re.compile(r"https?://[^\s\"'`|<>\\{}]+")
_TOKEN_KINDS = frozenset({"oauth2", "openIdConnect"})
"""Scheme kinds that take an ``access_token`` argument."""
_FLOW_NAMES = {
    "authorizationCode": "authorization code",
    "implicit": "implicit",
    "password": "password",
    "deviceAuthorization": "device authorization",
    "clientCredentials": "client credentials",
}
"""OAuth2 flow keys as the credential's description names them."""

_PAGINATION_KINDS = frozenset({"page-number", "offset", "cursor", "next-link", "link-header"})


def _properties(spec: Spec, node: Any, where: tuple[Any, ...], depth: int = 0) -> Mapping[str, Any]:
    """A schema's properties, its ``allOf`` members' included (SignalWire's list
    responses wrap ``links`` as ``allOf: [$ref]``); a few levels deep at most."""
    if not isinstance(node, Mapping) or depth > 8:
        return {}
    node = spec.deref(node, where)
    if not isinstance(node, Mapping):
        return {}
    found = dict(node.get("properties") or {})
    for member in node.get("allOf") or []:
        found.update(_properties(spec, member, where, depth + 1))
    return found


def _key_path(text: Any) -> tuple[str, ...]:
    """``"meta.total_pages"`` -> ``("meta", "total_pages")``; ``"page[number]"`` ->
    ``("page", "number")`` (a deepObject member); ``""`` -> ``()``."""
    text = str(text)
    if not text:
        return ()
    if "[" in text and text.endswith("]"):
        head, _, rest = text.partition("[")
        return (head, *rest[:-1].split("]["))
    return tuple(text.split("."))


def _param_path(text: Any, parameters: list[tuple[Parameter, Any]]) -> tuple[str, ...]:
    """A query parameter named exactly ``text`` (``page[number]`` can be a flat name), else
    `_key_path` of it (a member of a deepObject parameter)."""
    if any(p.location == "query" and p.wire_name == str(text) for p, _ in parameters):
        return (str(text),)
    return _key_path(text)


def _response_media(
    spec: Spec, node: Mapping[str, Any], where: tuple[Any, ...]
) -> tuple[str | None, str]:
    """``(Accept, kind)`` from the 2xx responses' media types: JSON when any is JSON
    (``Accept`` left as the client's ``application/json``), ``event-stream`` when the only
    one is ``text/event-stream``, else ``text`` when every one is ``text/*``, else
    ``binary``; ``Accept`` lists them all."""
    media: set[str] = set()
    for status, response in (node.get("responses") or {}).items():
        if str(status).startswith("2"):
            content = spec.deref(response, (*where, "responses", status)).get("content")
            if isinstance(content, Mapping):
                media.update(_media_range(str(m)) for m in content)
    if not media or any(m == _JSON or m.endswith("+json") for m in media):
        return None, "json"
    if media == {_EVENT_STREAM}:
        return _EVENT_STREAM, "event-stream"
    kind = "text" if all(m.startswith("text/") for m in media) else "binary"
    return ", ".join(sorted(media)), kind


def _media_range(media_type: str) -> str:
    """A response media type as an ``Accept`` media range: parameters dropped, lower
    case, and a bare ``*`` (which some specs write, and which is no media range) as
    ``*/*``."""
    media = media_type.split(";")[0].strip().lower()
    return "*/*" if media == "*" else media


def _default_idempotency_key(
    spec: Spec, node: Any, every: list[Parameter]
) -> tuple[str, str] | None:
    """The document's ``x-confgen-idempotency: {in, name}`` for one POST/PATCH: a header
    key always applies (the client adds the header); a body or query key applies where
    the operation has that field."""
    at = ("x-confgen-idempotency",)
    if not isinstance(node, Mapping) or node.get("in") not in ("header", "body", "query"):
        raise spec.error("x-confgen-idempotency needs in: header, body or query", at)
    if not isinstance(node.get("name"), str) or not node["name"]:
        raise spec.error("x-confgen-idempotency needs a name", at)
    location, name = str(node["in"]), str(node["name"])
    if location == "header" or any(p.location == location and p.wire_name == name for p in every):
        return location, name
    return None


def _files_as_any(node: Any) -> Any:
    """A deep copy of a schema with every binary string replaced by ``{}`` (any value)."""
    if isinstance(node, list):
        return [_files_as_any(item) for item in node]
    if not isinstance(node, Mapping):
        return node
    if is_file_schema(node):
        return {key: node[key] for key in ("description", "title") if key in node}
    return {key: _files_as_any(value) for key, value in node.items()}


def _multipart_encoding(
    spec: Spec, node: Mapping[str, Any], where: tuple[Any, ...]
) -> tuple[tuple[str, str], ...]:
    """``encoding.<field>.contentType`` of a multipart request body, by field."""
    if "requestBody" not in node:
        return ()
    body = spec.deref(node["requestBody"], (*where, "requestBody"))
    media = (body.get("content") or {}).get(_MULTIPART) or {}
    encoding = media.get("encoding") if isinstance(media, Mapping) else None
    if not isinstance(encoding, Mapping):
        return ()
    return tuple(
        (str(name), str(entry["contentType"]))
        for name, entry in sorted(encoding.items())
        if isinstance(entry, Mapping) and isinstance(entry.get("contentType"), str)
    )


def _form_encoding(
    spec: Spec, node: Mapping[str, Any], where: tuple[Any, ...]
) -> tuple[tuple[str, str, bool, bool], ...]:
    """``encoding.<field>`` ``style``/``explode``/``allowReserved`` of a form body, for
    the fields not using the default (``form`` exploded): serialised as query parameters."""
    if "requestBody" not in node:
        return ()
    body = spec.deref(node["requestBody"], (*where, "requestBody"))
    media = (body.get("content") or {}).get(_FORM) or {}
    encoding = media.get("encoding") if isinstance(media, Mapping) else None
    if not isinstance(encoding, Mapping):
        return ()
    out: list[tuple[str, str, bool, bool]] = []
    for name, entry in sorted(encoding.items()):
        if not isinstance(entry, Mapping):
            continue
        at = (*where, "requestBody", "content", _FORM, "encoding", name)
        style = entry.get("style", "form")
        if style not in _STYLES["query"]:
            raise spec.error(
                f"form field style {style!r} is not one of {', '.join(_STYLES['query'])}",
                (*at, "style"),
            )
        explode = entry.get("explode", style == "form")
        reserved = entry.get("allowReserved", False)
        if not isinstance(explode, bool) or not isinstance(reserved, bool):
            raise spec.error("explode and allowReserved are true or false", at)
        if (style, explode, reserved) != ("form", True, False):
            out.append((str(name), str(style), explode, reserved))
    return tuple(out)


def _read_only(spec: Spec, prop: Any, where: tuple[Any, ...]) -> bool:
    """Whether a property is ``readOnly`` (on itself or the schema it refers to)."""
    if not isinstance(prop, Mapping):
        return False
    resolved = spec.deref(prop, where)
    return prop.get("readOnly") is True or (
        isinstance(resolved, Mapping) and resolved.get("readOnly") is True
    )


def _is_array(spec: Spec, node: Any, where: tuple[Any, ...]) -> bool:
    node = spec.deref(node, where) if isinstance(node, Mapping) else None
    return isinstance(node, Mapping) and node.get("type") == "array"


# OpenAPI 3.1 "style values": the styles each location allows; the first is its default.
_STYLES = {
    "query": ("form", "spaceDelimited", "pipeDelimited", "deepObject"),
    "path": ("simple", "label", "matrix"),
    "header": ("simple",),
    "cookie": ("form",),
}


def _serialisation(
    spec: Spec, param: Mapping[str, Any], location: str, at: tuple[Any, ...]
) -> tuple[str, bool, bool]:
    """``(style, explode, allowReserved)`` of a parameter, with OpenAPI's defaults."""
    allowed = _STYLES[location]
    style = param.get("style", allowed[0])
    if style not in allowed:
        raise spec.error(
            f"style {style!r} is not allowed in {location} (expected one of {', '.join(allowed)})",
            (*at, "style"),
        )
    explode = param.get("explode", style == "form")
    allow_reserved = param.get("allowReserved", False)
    for key, value in (("explode", explode), ("allowReserved", allow_reserved)):
        if not isinstance(value, bool):
            raise spec.error(f"{key} must be a boolean", (*at, key))
    return str(style), explode, allow_reserved and location == "query"


def load_api(
    document: Mapping[str, Any],
    *,
    source: str,
    package: str,
    client_class: str,
    title: str | None = None,
    strict: bool = True,
) -> Api:
    """Build the IR of an OpenAPI 3.0/3.1 document; refuse what cannot be rendered.

    ``source`` names the spec in error messages and file headers; ``package`` is the
    Python package name (its upper case prefixes default environment variables).
    With ``strict=False`` what cannot be rendered is left out and listed in
    `Api.skipped` instead (see the module docstring).
    """
    document, patterns = drop_uncompilable_patterns(document)
    spec = Spec(document, source, strict=strict)
    spec.renamed.extend(pattern_notes(patterns))
    version = str(document.get("openapi", ""))
    if not version.startswith("3."):
        raise spec.error(f"expected an OpenAPI 3.0 or 3.1 document, got openapi={version!r}", ())
    check_shape(spec)
    if strict:  # lenient loads check the refs of each unit they render, and skip that unit
        for ref, where in walk_refs(document, ()):
            spec.lookup(ref, where)
    loader = _Loader(spec, package, client_class)
    base_url, server_path, variables = loader.server()
    try:
        auth = loader.auth()
    except ConfgenError as error:
        spec.skip(error, "no authentication generated")
        auth = Auth()
    body_errors = loader.body_errors()
    operations = loader.operations()

    grouped: dict[str, list[Operation]] = {}
    for operation in operations:
        grouped.setdefault(operation.resource, []).append(operation)
    resources = []
    reserved = resource_reserved()
    for name in sorted(grouped):
        ops = sorted(grouped[name], key=lambda op: op.name)
        methods = spec.unique(
            [(op.operation_id, op.name, op.pointer) for op in ops],
            what=f"operationId (resource {name!r})",
        )
        ops = [dataclasses.replace(op, name=methods[op.operation_id]) for op in ops]
        resources.append(
            Resource(
                name=name, class_name=class_identifier(name, "Resource"), operations=tuple(ops)
            )
        )
    check_unique([(r.name, r.class_name, "/paths") for r in resources], what="tag", source=source)
    arguments = [(c.argument, c.argument, "/components/securitySchemes") for c in auth.credentials]
    arguments += [(v.argument, v.argument, "/servers/0/variables") for v in variables]
    check_unique(arguments, what="constructor argument", source=source)
    clash = sorted({a for a, _, _ in arguments} & reserved | {r.name for r in resources} & reserved)
    if clash:
        raise spec.error(f"name(s) {', '.join(clash)} are reserved by the client", ())

    info = document.get("info") or {}
    request_names = ref_closure(
        {**loader.schemas, **loader.synth_request},
        loader.request_roots | set(loader.synth_request),
    )
    all_request = {**loader.schemas, **loader.synth_request}
    return Api(
        package=package,
        client_class=client_class,
        title=title or stripped_text(info.get("title")) or package,
        description=stripped_text(info.get("description")),
        spec_source=source,
        base_url=base_url,
        server_path=server_path,
        server_variables=variables,
        auth=auth,
        resources=tuple(resources),
        body_errors=body_errors,
        # File fields accept what a caller uploads (bytes, a path, a file object, a tuple):
        # their request models take any value, checked by the multipart encoder.
        request_schemas={name: _files_as_any(all_request[name]) for name in sorted(request_names)},
        typed_dicts=tuple(
            loader.typed_dicts.by_name[n] for n in sorted(loader.typed_dicts.by_name)
        ),
        response_schemas={**loader.schemas, **dict(sorted(loader.synth_response.items()))},
        skipped=tuple(spec.skipped),
        strict=strict,
        renamed=tuple(spec.renamed),
        version=_header_token(stripped_text(str(info.get("version") or ""))),
    )
