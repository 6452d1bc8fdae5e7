"""An OpenAPI 3.1 ``webhooks`` section -> typed events for the package's ``webhooks`` module.

Generic: any spec's webhooks become one model each plus a discriminated union, by this
envelope convention (Telnyx's, and a common one):

- a delivered body is ``{"data": event, "meta"?: {...}}``, or the event alone (some
  specs describe it so); both parse, the bare event is wrapped in ``data``;
- the event's ``event_type`` says which webhook it is: the ``const`` or ``enum`` of that
  property in the event schema, else the webhook's name;
- any other ``event_type`` parses as ``UnknownEvent``, every field kept.

A root ``x-confgen-webhook-signature`` adds verification (``unwrap``) from the static
runtime module ``generator/confgen/codegen/http/runtime/webhooks.py``. Event models come from the package's
``models.py`` when it holds them all (component schemas), else from a private
``_webhook_models.py`` rendered the same lenient way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import jinja2

from confgen.codegen.http.ir import Api
from confgen.codegen.models import render_models
from confgen.codegen.naming import check_unique, class_identifier, python_identifier
from confgen.codegen.spec import (
    SCHEMA_PREFIX,
    Spec,
    check_schema,
    ref_closure,
    rename_refs,
    schema_class_names,
)
from confgen.errors import ConfgenError, json_pointer

__all__ = [
    "DISCRIMINATOR",
    "WRAPPER",
    "Signature",
    "WebhookDefinition",
    "Webhooks",
    "load_webhooks",
    "render_webhooks",
]

WRAPPER = "data"
"""The envelope key that holds the event."""
DISCRIMINATOR = "event_type"
"""The event's property that names its type."""

_METHODS = ("post", "put", "patch", "get", "delete")
_SIGNATURE_KEY = "x-confgen-webhook-signature"
_SCHEMES = frozenset({"ed25519"})
# Names the generated module defines itself: no event class may take one.
_MODULE_NAMES = frozenset(
    {"Event", "UnknownEvent", "UnknownEventData", "BaseWebhookEvent", "Webhooks"}
)


@dataclass(frozen=True)
class WebhookDefinition:
    """One webhook: its envelope class, the model of its event, the types it answers to."""

    name: str
    """The webhook's key in the spec (``conference.created``)."""
    class_name: str
    """The envelope class (``ConferenceCreatedWebhook``)."""
    data_model: str | None
    """The event's model in ``_webhook_models`` (``None``: the spec gives no schema)."""
    tags: tuple[str, ...]
    """The ``event_type`` values that select this webhook."""
    summary: str


@dataclass(frozen=True)
class Signature:
    """``x-confgen-webhook-signature``: how deliveries are signed."""

    algorithm: str
    signature_header: str
    timestamp_header: str
    signed_payload: str
    tolerance_seconds: int
    public_key_argument: str
    public_key_env: str


@dataclass(frozen=True)
class Webhooks:
    """Everything the ``webhooks`` module is rendered from."""

    events: tuple[WebhookDefinition, ...]
    signature: Signature | None
    schemas: dict[str, Any] = field(default_factory=dict)
    """The event models' schemas (class name -> schema), for ``_webhook_models.py``."""
    exported: tuple[str, ...] = ()
    """The spec's schema classes the module re-exports (the closure of the events)."""


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _tags(spec: Spec, schema: Any, name: str, where: tuple[Any, ...]) -> tuple[str, ...]:
    """The event types a schema declares in ``event_type`` (const or enum), else ``name``."""
    resolved = spec.deref(schema, where)
    properties = resolved.get("properties") if isinstance(resolved, Mapping) else None
    prop = (
        spec.deref(properties.get(DISCRIMINATOR), where)
        if isinstance(properties, Mapping)
        else None
    )
    if isinstance(prop, Mapping):
        if isinstance(prop.get("const"), str):
            return (prop["const"],)
        values = prop.get("enum")
        if isinstance(values, list) and values and all(isinstance(v, str) for v in values):
            return tuple(values)
    return (name,)


def _body_schema(spec: Spec, operation: Mapping[str, Any], where: tuple[Any, ...]) -> Any:
    """The JSON schema of a webhook's request body, or ``None`` when it has none."""
    if "requestBody" not in operation:
        return None
    body = spec.deref(operation["requestBody"], (*where, "requestBody"))
    content = body.get("content") if isinstance(body, Mapping) else None
    if not isinstance(content, Mapping):
        return None
    for media in sorted(content):
        base = media.split(";")[0].strip().lower()
        if base == "application/json" or base.endswith("+json"):
            node = content[media] or {}
            return node.get("schema") if isinstance(node, Mapping) else None
    return None


def _signature(spec: Spec) -> Signature | None:
    node = spec.document.get(_SIGNATURE_KEY)
    if node is None:
        return None
    at: tuple[Any, ...] = (_SIGNATURE_KEY,)
    if not isinstance(node, Mapping):
        raise spec.error(f"{_SIGNATURE_KEY} must be an object", at)
    scheme = node.get("scheme")
    if scheme not in _SCHEMES:
        raise spec.error(
            f"unsupported webhook signature scheme {scheme!r} (expected one of "
            f"{', '.join(sorted(_SCHEMES))})",
            (*at, "scheme"),
        )
    texts = {}
    for key in ("signature-header", "timestamp-header", "signed-payload"):
        value = node.get(key)
        if not isinstance(value, str) or not value:
            raise spec.error(f"{_SIGNATURE_KEY} needs {key} (a string)", (*at, key))
        texts[key] = value
    if "{timestamp}" not in texts["signed-payload"] or "{body}" not in texts["signed-payload"]:
        raise spec.error(
            "signed-payload must contain {timestamp} and {body}", (*at, "signed-payload")
        )
    tolerance = node.get("tolerance-seconds", 300)
    if not isinstance(tolerance, int) or isinstance(tolerance, bool) or tolerance <= 0:
        raise spec.error("tolerance-seconds must be a positive integer", (*at, "tolerance-seconds"))
    public_key = node.get("public-key")
    if not isinstance(public_key, Mapping) or not {"argument", "env"} <= set(public_key):
        raise spec.error(
            f"{_SIGNATURE_KEY} needs public-key: {{argument, env}}", (*at, "public-key")
        )
    return Signature(
        algorithm=str(scheme),
        signature_header=texts["signature-header"].lower(),
        timestamp_header=texts["timestamp-header"].lower(),
        signed_payload=texts["signed-payload"],
        tolerance_seconds=tolerance,
        public_key_argument=python_identifier(str(public_key["argument"])),
        public_key_env=str(public_key["env"]),
    )


class _Loader:
    """Reads one webhook at a time, collecting the models the events need."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        raw_schemas = (spec.document.get("components") or {}).get("schemas") or {}
        self.class_names = schema_class_names(spec, raw_schemas)
        self.schemas: dict[str, Any] = {
            self.class_names[name]: rename_refs(schema, self.class_names)
            for name, schema in raw_schemas.items()
        }
        self.inline: dict[str, Any] = {}
        self.owners: dict[str, str] = {}

    def event(self, name: str, raw_item: Any) -> WebhookDefinition:
        spec = self.spec
        where: tuple[Any, ...] = ("webhooks", name)
        item = spec.deref(raw_item, where)
        method = next((m for m in _METHODS if isinstance(item, Mapping) and m in item), None)
        if method is None:
            raise spec.error("a webhook needs an operation (post)", where)
        operation = item[method]
        where = (*where, method)
        schema = _body_schema(spec, operation, where)
        base = class_identifier(str(name), "Webhook")
        data_model = None
        tags: tuple[str, ...] = (name,)
        if schema is not None:
            at = (*where, "requestBody", "content", "application/json", "schema")
            check_schema(spec, schema, at)
            resolved = spec.deref(schema, at)
            properties = resolved.get("properties") if isinstance(resolved, Mapping) else None
            properties = properties if isinstance(properties, Mapping) else {}
            # The envelope's data holds the event, unless the body is the event itself.
            if WRAPPER in properties and DISCRIMINATOR not in properties:
                schema, at = properties[WRAPPER], (*at, "properties", WRAPPER)
            tags = _tags(spec, schema, name, at)
            if isinstance(schema, Mapping) and set(schema) == {"$ref"}:
                ref = str(schema["$ref"])
                if not ref.startswith(SCHEMA_PREFIX):
                    raise spec.error("an event schema $ref must name a component schema", at)
                data_model = self.class_names[ref[len(SCHEMA_PREFIX) :]]
            else:
                data_model = f"{base}Data"
                if data_model in self.schemas or data_model in self.inline:
                    raise spec.error(f"the event model name {data_model!r} is taken", at)
                self.inline[data_model] = rename_refs(schema, self.class_names)
        for tag in tags:
            if tag in self.owners:
                raise spec.error(
                    f"event type {tag!r} is claimed by webhooks {self.owners[tag]!r} and {name!r}",
                    where,
                )
        self.owners.update(dict.fromkeys(tags, name))
        return WebhookDefinition(
            name=name,
            class_name=f"{base}Webhook",
            data_model=data_model,
            tags=tags,
            summary=_text(operation.get("summary")) or _text(operation.get("description")),
        )


def load_webhooks(document: Mapping[str, Any], api: Api) -> Webhooks | None:
    """The spec's webhooks, or ``None`` when it has no ``webhooks`` section.

    Refuses (located `ConfgenError`) what cannot be rendered: two webhooks answering to
    the same event type, class names that collide, a malformed signature extension.
    """
    # As leniently as the API was loaded, so class names agree with its models.py.
    spec = Spec(document, api.spec_source, strict=api.strict)
    section = document.get("webhooks")
    if not section:
        return None
    if not isinstance(section, Mapping):
        raise spec.error("webhooks must be an object", ("webhooks",))
    loader = _Loader(spec)
    events = [loader.event(str(name), item) for name, item in section.items()]
    everything = {**loader.schemas, **loader.inline}
    roots = {e.data_model for e in events if e.data_model is not None}
    exported = tuple(sorted(ref_closure(everything, roots)))
    check_unique(
        [(e.name, e.class_name, json_pointer(["webhooks", e.name])) for e in events]
        + [(f"schema {n}", n, "/components/schemas") for n in exported]
        + [(f"module name {n}", n, "/webhooks") for n in sorted(_MODULE_NAMES)],
        what="webhook class",
        source=api.spec_source,
    )
    if any(resource.name == "webhooks" for resource in api.resources):
        raise spec.error("a tag named 'webhooks' clashes with client.webhooks", ("webhooks",))
    return Webhooks(
        events=tuple(events),
        signature=_signature(spec),
        schemas={n: everything[n] for n in exported},
        exported=exported,
    )


def render_webhooks(
    env: jinja2.Environment, webhooks: Webhooks, common: Mapping[str, Any], header: str
) -> dict[str, str]:
    """``webhooks.py``, the public module; plus ``_webhook_models.py`` when the package's
    ``models.py`` does not already hold every event model (inline event schemas)."""
    api: Api = common["api"]
    files: dict[str, str] = {}
    exported = webhooks.exported
    if all(name in api.response_schemas for name in exported):
        models_module = "models"
    else:
        models_module = "_webhook_models"
        models = render_models(
            webhooks.schemas,
            header=header
            + "# Webhook event models (response side): unknown fields and enum values are kept.\n",
            strict=False,
            source=api.spec_source,
        )
        # A schema that is not an object (a string alias such as Telnyx's ConnectionId) is
        # inlined by datamodel-code-generator: there is no class to re-export, and none is
        # needed. An event's own model must be a class, or the module would not import.
        exported = tuple(name for name in exported if f"class {name}(" in models)
        for event in webhooks.events:
            if event.data_model is not None and event.data_model not in exported:
                raise ConfgenError(
                    f"the event model {event.data_model!r} was not rendered under its name",
                    source=api.spec_source,
                    pointer="/webhooks",
                )
        files["_webhook_models.py"] = models
    files["webhooks.py"] = env.get_template("webhooks.py.jinja").render(
        **common,
        events=webhooks.events,
        signature=webhooks.signature,
        exported=exported,
        models_module=models_module,
        module_exports=sorted(
            [*_MODULE_NAMES, "unsafe_unwrap", *(e.class_name for e in webhooks.events)]
            + (["WebhookVerificationError", "unwrap"] if webhooks.signature else [])
            + list(exported)
        ),
        wrapper=WRAPPER,
        discriminator=DISCRIMINATOR,
    )
    return files
