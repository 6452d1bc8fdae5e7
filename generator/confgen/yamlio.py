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


#: How many nodes a document may hold once its aliases are expanded. A real spec (whole
#: Telnyx or GitHub) is well under a million; a few hundred bytes of nested aliases
#: (a "billion laughs" document) expand past any bound, and are refused before
#: anything is built from them.
MAX_EXPANDED_NODES = 5_000_000


class SpecLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """Safe loader without YAML 1.1 timestamps and yes/no/on/off booleans, that refuses
    duplicate keys (naming both lines) and documents that expand past
    `MAX_EXPANDED_NODES`."""

    def get_single_data(self) -> Any:
        node = self.get_single_node()
        if node is None:
            return None
        check_node(node)
        return self.construct_document(node)


def _error(problem: str, node: yaml.Node) -> yaml.YAMLError:
    return yaml.constructor.ConstructorError(None, None, problem, node.start_mark)


def check_node(root: yaml.Node) -> None:
    """Refuse duplicate mapping keys and alias expansion past `MAX_EXPANDED_NODES`.

    Sizes are memoised per node object (an alias is the same object as its anchor), so
    the check is linear in the document's text however far it would expand.
    """
    sizes: dict[int, int] = {}
    active: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            active.discard(key)
            if isinstance(node, yaml.MappingNode):
                children = [n for pair in node.value for n in pair]
            elif isinstance(node, yaml.SequenceNode):
                children = list(node.value)
            else:
                children = []
            size = 1 + sum(sizes[id(child)] for child in children)
            if size > MAX_EXPANDED_NODES:
                raise _error(
                    f"the document expands past {MAX_EXPANDED_NODES:,} nodes through its "
                    "aliases (refused: an alias bomb, or far too big for a spec)",
                    node,
                )
            sizes[key] = size
            continue
        if key in sizes:
            continue
        if key in active:
            raise _error("a recursive alias (an anchor used inside itself)", node)
        active.add(key)
        stack.append((node, True))
        if isinstance(node, yaml.MappingNode):
            seen: dict[tuple[str, str], yaml.Node] = {}
            for key_node, value_node in node.value:
                if (
                    isinstance(key_node, yaml.ScalarNode)
                    and key_node.tag != "tag:yaml.org,2002:merge"
                ):
                    ident = (key_node.tag, key_node.value)
                    if ident in seen:
                        first = seen[ident].start_mark.line + 1
                        raise _error(
                            f"duplicate key {key_node.value!r} (lines {first} and "
                            f"{key_node.start_mark.line + 1})",
                            key_node,
                        )
                    seen[ident] = key_node
                stack.append((key_node, False))
                stack.append((value_node, False))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((child, False) for child in node.value)


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
