"""The module structure of the generator (``confgen``, in ``generator/confgen/``) and the
facade (``conferencing``, in ``conferencing/conferencing/``), checked from the source:

- no module uses another module's underscore names (``from X import _name``,
  ``X._name``); a private *submodule* of a package (``from . import _recording``) is a
  module, not a name, and is not covered here;
- no import circle, counting every import: top-level, inside functions (a lazy import
  still closes a circle at run time) and under ``if TYPE_CHECKING:`` (a circle the type
  checker needs is still two modules that cannot be read apart).

`UNDERSCORE_ALLOWED` is empty and must stay so.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ROOT

#: Each first-party package checked here, by import name: the folder it lives in.
PACKAGES = {
    "confgen": ROOT / "generator" / "confgen",
    "conferencing": ROOT / "conferencing" / "conferencing",
}

#: The generated clients' import names (``generated/<provider>/confgen_<provider>/``).
GENERATED_PACKAGES = (
    "confgen_telnyx",
    "confgen_signalwire",
    "confgen_voximplant",
    "confgen_trueconf",
)

#: Private names one module may take from another: none (issue 12 emptied it; what two
#: modules share is public, with a docstring). The list may only stay empty.
UNDERSCORE_ALLOWED: frozenset[tuple[str, str, str]] = frozenset()

#: First-party top-level packages: a private name of a third-party module (``httpx._client``)
#: is that library's business, not this layout's.
FIRST_PARTY = ("confgen", "conferencing", *GENERATED_PACKAGES)


@dataclass(frozen=True)
class Module:
    name: str
    path: Path
    is_package: bool

    @property
    def package(self) -> str:
        """The package relative imports start from."""
        return self.name if self.is_package else self.name.rpartition(".")[0]


def _modules() -> dict[str, Module]:
    found: dict[str, Module] = {}
    for folder in PACKAGES.values():
        for path in sorted(folder.rglob("*.py")):
            parts = list(path.relative_to(folder.parent).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            if is_package:
                parts.pop()
            name = ".".join(parts)
            found[name] = Module(name, path, is_package)
    return found


MODULES = _modules()


def _absolute(module: Module, level: int, target: str | None) -> str:
    """The absolute name ``from <level dots><target> import ...`` refers to."""
    if level == 0:
        return target or ""
    base = module.package.split(".")
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, target] if target else base)


def _is_module(name: str) -> bool:
    top, _, rest = name.partition(".")
    folder = PACKAGES.get(top) or (
        ROOT / "generated" / top.removeprefix("confgen_") / top
        if top in GENERATED_PACKAGES
        else None
    )
    if name in MODULES or folder is None or not rest:
        return name in MODULES
    return (folder / Path(*rest.split("."))).with_suffix(".py").exists()


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


@dataclass(frozen=True)
class Use:
    importer: str
    module: str
    name: str
    line: int

    def __str__(self) -> str:
        return f"{self.importer}:{self.line} uses {self.module}.{self.name}"


def _imports(module: Module) -> Iterator[tuple[str, list[str], int]]:
    """``(imported module, names taken from it, line)`` for every import statement."""
    tree = ast.parse(module.path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, [], node.lineno
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(module, node.level, node.module)
            yield source, [alias.name for alias in node.names], node.lineno


def _underscore_uses(module: Module) -> Iterator[Use]:
    tree = ast.parse(module.path.read_text(encoding="utf-8"))
    bound: dict[str, str] = {}  # local name -> the module it is bound to
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    bound[alias.asname] = alias.name
                else:
                    bound[alias.name.partition(".")[0]] = alias.name.partition(".")[0]
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(module, node.level, node.module)
            for alias in node.names:
                full = f"{source}.{alias.name}"
                if _is_module(full):
                    bound[alias.asname or alias.name] = full
                elif _private(alias.name) and source != module.name:
                    yield Use(module.name, source, alias.name, node.lineno)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and _private(node.attr)
            and isinstance(node.value, ast.Name)
            and node.value.id in bound
        ):
            target = bound[node.value.id]
            if not _is_module(f"{target}.{node.attr}"):
                yield Use(module.name, target, node.attr, node.lineno)


def _all_underscore_uses() -> list[Use]:
    return [
        use
        for module in MODULES.values()
        for use in _underscore_uses(module)
        if use.module.partition(".")[0] in FIRST_PARTY
    ]


def test_the_scan_sees_every_module() -> None:
    assert "confgen.cli" in MODULES and "conferencing.dry_run" in MODULES
    assert MODULES["confgen.drift"].is_package
    assert len(MODULES) > 60


def test_the_underscore_scan_catches_both_forms(tmp_path: Path) -> None:
    # The detector itself: a from-import and an attribute use of a private name.
    path = tmp_path / "probe.py"
    path.write_text(
        "from confgen.codegen.http.load import _Spec\n"
        "from confgen.codegen.http import load\n"
        "import confgen.codegen.http.load as loader\n"
        "from confgen.extract import page\n"
        "load._class_names\nloader._ref_closure\npage.Page\n",
        encoding="utf-8",
    )
    probe = Module("confgen.probe", path, is_package=False)
    assert {(use.module, use.name) for use in _underscore_uses(probe)} == {
        ("confgen.codegen.http.load", "_Spec"),
        ("confgen.codegen.http.load", "_class_names"),
        ("confgen.codegen.http.load", "_ref_closure"),
    }


def test_no_module_uses_another_modules_underscore_names() -> None:
    uses = _all_underscore_uses()
    offending = [
        str(use) for use in uses if (use.importer, use.module, use.name) not in UNDERSCORE_ALLOWED
    ]
    assert not offending, "private names used across modules:\n" + "\n".join(offending)


def test_the_allow_list_is_empty() -> None:
    assert frozenset() == UNDERSCORE_ALLOWED


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in MODULES}
    for module in MODULES.values():
        for source, names, _ in _imports(module):
            targets = [f"{source}.{name}" for name in names if f"{source}.{name}" in MODULES]
            if len(targets) < len(names) or not names:
                targets.append(source)  # names defined by ``source`` itself
            graph[module.name] |= {target for target in targets if target in MODULES}
        graph[module.name].discard(module.name)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_search_finds_a_circle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_the_import_graph_has_edges() -> None:
    graph = _graph()
    assert "confgen.drift.compare" in graph["confgen.drift.run"]
    assert "conferencing.redaction" in graph["conferencing.dry_run"]
    # a lazy import inside a function counts
    assert "confgen.drift.fetch" in graph["confgen.drift.run"]


def test_no_import_circle() -> None:
    cycles = _cycles(_graph())
    assert not cycles, "import circles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_no_symlinks_in_the_sources() -> None:
    # A file both runtimes need lives once; the generator copies it into each package.
    links = [
        path.relative_to(ROOT).as_posix()
        for folder in (*PACKAGES.values(), ROOT / "generated")
        for path in folder.rglob("*")
        if path.is_symlink()
    ]
    assert all(folder.is_dir() for folder in PACKAGES.values())
    assert not links, f"symlinks: {links}"


def test_request_validation_error_is_defined_once() -> None:
    defined = [
        module.name
        for module in MODULES.values()
        for node in ast.walk(ast.parse(module.path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef) and node.name == "RequestValidationError"
    ]
    assert defined == ["confgen.codegen.http.runtime._validation"]


def _private_generated_imports(module: Module) -> Iterator[str]:
    """Imports of a generated package's private module or name: ``from generated.x._m``,
    ``from generated.x import _m``, and ``importlib.import_module("..._m")`` (literal parts
    of an f-string included)."""
    tree = ast.parse(module.path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                source = _absolute(module, node.level, node.module)
                targets = [f"{source}.{alias.name}" for alias in node.names]
            for target in targets:
                parts = target.split(".")
                if parts[0] in GENERATED_PACKAGES and any(_private(part) for part in parts[1:]):
                    yield f"{module.name}:{node.lineno} imports {target}"
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id)
            == "import_module"
            and node.args
        ):
            argument = node.args[0]
            pieces = (
                [v.value for v in argument.values if isinstance(v, ast.Constant)]
                if isinstance(argument, ast.JoinedStr)
                else [argument.value]
                if isinstance(argument, ast.Constant)
                else []
            )
            text = "".join(str(piece) for piece in pieces)
            if any(_private(part) for part in text.split(".") if part):
                yield f"{module.name}:{node.lineno} imports a private module ({text!r})"


def test_the_private_generated_import_scan_catches_every_form(tmp_path: Path) -> None:
    path = tmp_path / "probe.py"
    path.write_text(
        "import importlib\n"
        "from confgen_telnyx._request_models import X\n"
        "from confgen_trueconf import _client\n"
        "importlib.import_module(f'{package}._request_models')\n"
        "from confgen_telnyx.operations import OPERATIONS\n"
        "importlib.import_module(f'{package}.operations')\n",
        encoding="utf-8",
    )
    probe = Module("conferencing.probe", path, is_package=False)
    assert [line.partition(" ")[0] for line in _private_generated_imports(probe)] == [
        "conferencing.probe:2",
        "conferencing.probe:3",
        "conferencing.probe:4",
    ]


def test_the_facade_uses_only_public_names_of_generated_packages() -> None:
    # The facade reads a package's index (``<package>.operations``) and public names only.
    offending = [
        line
        for module in MODULES.values()
        if module.name.startswith("conferencing")
        for line in _private_generated_imports(module)
    ]
    assert not offending, "\n".join(offending)
