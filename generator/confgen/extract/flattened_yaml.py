"""Extractor for doc pages whose embedded OpenAPI YAML lost every newline.

SignalWire's pages were captured with each newline (and the indentation after it)
collapsed into one space, so the whole ```yaml block sits on a single line. YAML
block structure lives in indentation, so the text alone no longer says where a
mapping ends. This module recovers it from the OpenAPI 3.1 object grammar:

* every mapping has a kind (OpenAPI Object, Operation, Schema, a map of Schemas, ...)
  that says which keys it may hold and what kind of value each key takes;
* a ``key:`` token belongs to an open mapping that accepts it *and* whose value kind
  fits what follows (a map of Schemas takes mappings, ``required`` takes a list);
* a key repeated in a mapping closes that mapping (YAML forbids duplicates);
* a plain or ``>-`` scalar runs until the next key that is valid where it stands,
  checked by a short lookahead (that key's value and the key after it must place too);
* where more than one open mapping could take a key, every reading is parsed to the
  end; if more than one survives, the page is ambiguous and we say so.

The grammar tables live in ``confgen.extract.openapi_grammar``, the parser in
``confgen.extract.flattened_parser``; this module finds the block, runs the parser and
decodes the servers. The parser recovers the YAML *text* (newlines and indentation restored) and leaves the
typing of scalars to ``load_yaml``, so ``'20'`` stays a string and ``true`` a boolean.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import yaml

from confgen.errors import ExtractError
from confgen.extract.flattened_parser import restore_block
from confgen.extract.openapi_grammar import HTTP_METHODS
from confgen.extract.page import Page
from confgen.yamlio import load_yaml

# --------------------------------------------------------------------------- block


_OPENING_FENCES = ("```yaml", "```yml")
_FENCE = "```"


def yaml_block_span(page: Page) -> tuple[int, int]:
    """Character offsets ``(start, end)`` of the flattened YAML between its fences.

    Descriptions inside the YAML are Markdown and carry their own fences, which the
    capture flattened too, so the first bare fence after ```yaml need not close it.
    Fences inside the YAML come in pairs (a description never leaves a code block
    open), and every code block after the YAML block opens with a language tag
    (```python), so the block's closing fence is the last bare fence before the next
    tagged one and must leave an even number of bare fences inside.
    """
    words = [(match.start(), match.group()) for match in re.finditer(r"\S+", page.text)]
    opener = next((i for i, (_, word) in enumerate(words) if word in _OPENING_FENCES), None)
    if opener is None:
        raise page.error_at(
            0,
            "no fenced YAML block in this page",
            expected="a '```yaml' fence holding an OpenAPI document",
        )
    open_offset, open_word = words[opener]
    bare: list[int] = []
    for offset, word in words[opener + 1 :]:
        if word == _FENCE:
            bare.append(offset)
        elif word.startswith(_FENCE):
            break  # the next tagged code block: the YAML block closed before it
    if len(bare) % 2 == 0:
        detail = f" (the {len(bare)} bare fences after it pair up)" if bare else ""
        raise page.error_at(
            open_offset,
            f"the ```yaml fence opened here never closes{detail}",
            expected="a closing '```' after the YAML document",
        )
    return open_offset + len(open_word), bare[-1]


# --------------------------------------------------------------------------- public


def flatten_yaml(text: str) -> str:
    """Collapse YAML text onto one line the way the page capture did.

    Each line break, with the indentation after it (and any blank lines), becomes a
    single space.
    """
    return re.sub(r"[ \t]*(?:\r?\n[ \t]*)+", " ", text).strip()


def recover_yaml_text(page: Page) -> str:
    """The page's flattened YAML block with its newlines and indentation restored."""
    start, end = yaml_block_span(page)
    return restore_block(page, start, end)


_ENCODED_VARIABLE = re.compile(r"%7B([^%/]+?)%7D", re.IGNORECASE)


def _decode_server(server: dict[str, Any]) -> None:
    """Turn ``%7Bname%7D`` in a server URL into a ``{name}`` server variable."""
    url = server.get("url")
    if not isinstance(url, str):
        return
    names = _ENCODED_VARIABLE.findall(url)
    if not names:
        return
    server["url"] = _ENCODED_VARIABLE.sub(r"{\1}", url)
    variables = server.setdefault("variables", {})
    for name in names:
        variables.setdefault(
            name,
            {
                "default": name,
                "description": (
                    f"Decoded from the URL-encoded '%7B{name}%7D' in the doc page's server "
                    f"URL. The page gives no value: '{name}' is only a placeholder for "
                    "your own."
                ),
            },
        )


def _decode_servers(document: dict[str, Any]) -> None:
    holders: list[Any] = [document]
    paths = document.get("paths")
    if isinstance(paths, dict):
        for item in paths.values():
            if isinstance(item, dict):
                holders.append(item)
                holders.extend(item.get(method) for method in HTTP_METHODS)
    for holder in holders:
        servers = holder.get("servers") if isinstance(holder, dict) else None
        for server in servers if isinstance(servers, list) else []:
            if isinstance(server, dict):
                _decode_server(server)


def extract_flattened_yaml(pages: Sequence[Page]) -> dict[str, Any]:
    """The OpenAPI 3.1 document in one page whose YAML block lost its newlines."""
    if len(pages) != 1:
        source = pages[1].path if len(pages) > 1 else None
        raise ExtractError(
            f"the flattened-yaml extractor reads exactly one page, got {len(pages)}",
            source=source,
            expected="one page",
        )
    page = pages[0]
    text = recover_yaml_text(page)
    try:
        document = load_yaml(text)
    except yaml.YAMLError as error:  # the recovery writes valid YAML; say so if not
        start, _ = yaml_block_span(page)
        raise page.error_at(
            start, f"the recovered YAML does not parse: {error}", expected="valid YAML"
        ) from None
    if not isinstance(document, dict):
        raise page.error_at(0, "the YAML block is not a mapping", expected="an OpenAPI document")
    _decode_servers(document)
    return document
