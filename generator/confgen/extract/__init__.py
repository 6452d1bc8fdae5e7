"""Stage 1: provider doc pages -> spec documents.

One extractor per doc format, each a pure function from pages to a spec document.
They are looked up by the names the manifest uses and imported only when used.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from confgen.extract.page import Page

Extractor = Callable[[Sequence[Page]], dict[str, Any]]

#: manifest name -> (module, function)
EXTRACTORS: dict[str, tuple[str, str]] = {
    "fenced-yaml": ("confgen.extract.fenced_yaml", "extract_fenced_yaml"),
    "flattened-yaml": ("confgen.extract.flattened_yaml", "extract_flattened_yaml"),
    "reference-page": ("confgen.extract.reference_page", "extract_reference_page"),
    "ws-method-page": ("confgen.extract.ws_method_page", "extract_ws_method_page"),
}


PublishedExtractor = Callable[[Mapping[str, Page], Mapping[str, Any]], dict[str, Any]]

#: manifest ``published_extractor`` name -> (module, function): (sources by name, the
#: manifest's ``select``) -> the published spec document, before it is merged with the pages'.
PUBLISHED_EXTRACTORS: dict[str, tuple[str, str]] = {
    "openapi-subset": ("confgen.extract.openapi_subset", "extract_published_openapi"),
    "trueconf-wrapper": ("confgen.extract.trueconf_wrapper", "extract_trueconf_wrapper"),
}


def get_published_extractor(name: str) -> PublishedExtractor:
    """The published-source extractor registered under ``name``."""
    try:
        module_name, function_name = PUBLISHED_EXTRACTORS[name]
    except KeyError:
        raise KeyError(
            f"unknown published_extractor {name!r}; known: {', '.join(sorted(PUBLISHED_EXTRACTORS))}"
        ) from None
    extractor: PublishedExtractor = getattr(importlib.import_module(module_name), function_name)
    return extractor


def get_extractor(name: str) -> Extractor:
    """The extractor registered under ``name``; ``KeyError`` lists the known ones."""
    try:
        module_name, function_name = EXTRACTORS[name]
    except KeyError:
        raise KeyError(
            f"unknown extractor {name!r}; known: {', '.join(sorted(EXTRACTORS))}"
        ) from None
    extractor: Extractor = getattr(importlib.import_module(module_name), function_name)
    return extractor


__all__ = [
    "EXTRACTORS",
    "PUBLISHED_EXTRACTORS",
    "Extractor",
    "Page",
    "PublishedExtractor",
    "get_extractor",
    "get_published_extractor",
]
