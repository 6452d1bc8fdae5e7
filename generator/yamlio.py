"""YAML in and out, the way specs need it.

Loading follows YAML 1.2's core schema where YAML 1.1 (PyYAML's default) would
surprise a spec author: ``2022-01-01`` stays a string, ``on``/``yes`` stay strings.
Dumping is deterministic: same document, same bytes.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BaseDumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class SpecLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """Safe loader without YAML 1.1 timestamps and yes/no/on/off booleans."""


SpecLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
SpecLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


class SpecDumper(_BaseDumper):  # type: ignore[valid-type,misc]
    """Block style, insertion order, long lines kept whole."""


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


SpecDumper.add_representer(str, _str_representer)


def load_yaml(text: str) -> Any:
    """Parse one YAML document with ``SpecLoader``."""
    return yaml.load(text, Loader=SpecLoader)  # SpecLoader derives from SafeLoader


def dump_yaml(document: Any) -> str:
    """Serialise deterministically: keys in insertion order, block style, UTF-8."""
    text: str = yaml.dump(
        document,
        Dumper=SpecDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )
    return text
