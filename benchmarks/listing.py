"""The list-call benchmark spec: Telnyx's shipped spec plus a purpose-written
``GET /conferences`` that answers ``{"data": [Conference, ...]}``.

No shipped spec has a list operation, so `benchmarks.run` writes this one into
``.cache/bench/`` and generates it like any other spec; the create call stays the
shipped one.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from benchmarks.corpus import ROOT
from confgen.yamlio import load_yaml

ITEMS = 100
"""Conferences in one list response."""


def listing_spec(folder: Path) -> Path:
    """Write the spec into ``folder`` (JSON, which is YAML) and return its path."""
    text = (ROOT / "specs" / "telnyx.openapi.yaml").read_text(encoding="utf-8")
    spec: dict[str, Any] = copy.deepcopy(load_yaml(text))
    spec["paths"]["/conferences"]["get"] = {
        "operationId": "list-conferences",
        "summary": "List conferences",
        "description": "Lists conferences (benchmark-only operation).",
        "tags": ["conferences"],
        "responses": {
            "200": {
                "description": "The conferences.",
                "content": {
                    "application/json": {
                        "schema": {"$ref": "#/components/schemas/ListConferencesResponse"}
                    }
                },
            }
        },
    }
    spec["components"]["schemas"]["ListConferencesResponse"] = {
        "type": "object",
        "properties": {
            "data": {"type": "array", "items": {"$ref": "#/components/schemas/Conference"}}
        },
    }
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "listing.openapi.json"
    path.write_text(json.dumps(spec, indent=1), encoding="utf-8")
    return path
