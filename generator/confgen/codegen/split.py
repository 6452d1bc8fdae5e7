"""One big model module -> a lazy package of small ones, so a big API imports fast.

datamodel-code-generator renders every model of a spec in one in-process call (one
module, fast). Importing that module builds every pydantic class (about a millisecond
each): seconds for a whole real API. `split_models` cuts it into a package whose
``__init__`` only maps names to modules and imports one on first use:

- classes used by exactly the same set of operations share a module, so one call loads
  the models it needs and few others;
- a class's module imports the classes it refers to from their modules. Whatever
  operation reaches a class also reaches every class it refers to, so a referred
  class is used by a superset of operations: the modules form no import cycle.
  Mutually recursive classes (one strongly connected component) share a module;
- classes no operation reaches get one module per component.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Mapping

from confgen.codegen.naming import snake_case

__all__ = ["split_models"]


def _names_in(node: ast.AST) -> set[str]:
    """Every name ``node`` refers to (forward references written as strings included).

    A string inside a call (``Field(examples=["Error"])``) or a docstring is a value,
    not a reference.
    """
    found: set[str] = set()
    todo: list[tuple[ast.AST, bool]] = [(node, False)]
    while todo:
        current, in_call = todo.pop()
        if isinstance(current, ast.Expr) and isinstance(current.value, ast.Constant):
            continue  # a docstring
        if isinstance(current, ast.Name):
            found.add(current.id)
        elif (
            not in_call
            and isinstance(current, ast.Constant)
            and isinstance(current.value, str)
            and current.value.isidentifier()  # a forward reference written as a string
        ):
            found.add(current.value)
        in_call = in_call or isinstance(current, ast.Call)
        todo.extend((child, in_call) for child in ast.iter_child_nodes(current))
    return found


def _isort_key(spelled: str) -> tuple[int, str]:
    """ruff's order of names in one import: CONSTANTS, Classes, functions."""
    name = spelled.split(" as ")[0]
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return kind, name


def _components(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """Strongly connected components (Tarjan, iterative), dependencies first."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for start in graph:
        if start in index:
            continue
        work: list[tuple[str, list[str]]] = [(start, sorted(graph[start]))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, todo = work[-1]
            if todo:
                child = todo.pop()
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, sorted(graph[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                out.append(sorted(component))
    return out


def split_models(
    source: str, roots: Mapping[str, Collection[str]], *, header: str
) -> dict[str, str]:
    """``source`` (one model module) as a package: file name -> text (unformatted).

    ``roots`` maps each operation to the classes it uses directly (request or response
    side); ``header`` is the comment block put at the top of every file.
    """
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)

    def text_of(statement: ast.stmt) -> str:
        # Whole lines: ast.get_source_segment re-splits the source on every call.
        return "".join(lines[statement.lineno - 1 : statement.end_lineno])

    imported: dict[str, tuple[str, str]] = {}  # local name -> (module, "name as local")
    units: dict[str, list[ast.stmt]] = {}
    trailing: dict[str, list[ast.stmt]] = {}
    for statement in tree.body:
        if isinstance(statement, ast.ImportFrom) and statement.module != "__future__":
            for alias in statement.names:
                spelled = alias.name + (f" as {alias.asname}" if alias.asname else "")
                imported[alias.asname or alias.name] = (str(statement.module), spelled)
        elif isinstance(statement, ast.ClassDef):
            units[statement.name] = [statement]
        elif isinstance(statement, ast.Assign | ast.AnnAssign):
            target = statement.targets[0] if isinstance(statement, ast.Assign) else statement.target
            if isinstance(target, ast.Name):
                units[target.id] = [statement]
        elif (
            isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Call)
            and isinstance(statement.value.func, ast.Attribute)
            and isinstance(statement.value.func.value, ast.Name)
        ):
            trailing.setdefault(statement.value.func.value.id, []).append(statement)
    known = set(units)
    used = {name: _names_in(units[name][0]) for name in units}
    graph = {name: (used[name] & known) - {name} for name in units}

    components = _components(graph)
    component_of = {name: i for i, members in enumerate(components) for name in members}
    # Operations reaching each component, through the component graph.
    users: list[set[str]] = [set() for _ in components]
    for operation, classes in sorted(roots.items()):
        todo = [component_of[name] for name in classes if name in component_of]
        seen: set[int] = set()
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            users[current].add(operation)
            todo.extend(
                component_of[dep] for member in components[current] for dep in graph[member]
            )
    groups: dict[object, list[int]] = {}
    for i, members in enumerate(components):
        key: object = frozenset(users[i]) if users[i] else ("unused", members[0])
        groups.setdefault(key, []).append(i)

    module_of: dict[str, str] = {}
    taken: set[str] = {"__init__"}
    modules: list[tuple[str, list[str]]] = []
    for key in sorted(groups, key=lambda k: min(components[i][0] for i in groups[k])):
        members = sorted(name for i in groups[key] for name in components[i])
        base = "_" + (snake_case(members[0]) or "model")
        name, counter = base, 2
        while name in taken:
            name, counter = f"{base}_{counter}", counter + 1
        taken.add(name)
        modules.append((name, members))
        for member in members:
            module_of[member] = name

    order = {name: i for i, name in enumerate(units)}  # the generator's order: bases first
    files: dict[str, str] = {}
    common = header + "\nfrom __future__ import annotations\n\n"
    for module, members in modules:
        # Exactly the imports this module uses, sorted as ruff's isort rules would.
        by_module: dict[str, set[str]] = {}
        for member in members:
            for name in used[member]:
                if name in imported:
                    by_module.setdefault(imported[name][0], set()).add(imported[name][1])
        needed: dict[str, set[str]] = {}
        for member in members:
            for dep in graph[member]:
                if module_of[dep] != module:
                    needed.setdefault(module_of[dep], set()).add(dep)
        third_party = sorted(m for m in by_module if m.split(".")[0] in ("pydantic",))
        standard = sorted(m for m in by_module if m not in third_party)
        parts = [common]
        for group in (standard, third_party):
            parts += [
                f"from {m} import {', '.join(sorted(by_module[m], key=_isort_key))}\n"
                for m in group
            ]
            if group:
                parts.append("\n")
        parts += [
            f"from .{other} import {', '.join(sorted(names, key=_isort_key))}\n"
            for other, names in sorted(needed.items())
        ]
        body: list[str] = []
        after: list[str] = []
        for member in sorted(members, key=order.__getitem__):
            statement = units[member][0]
            start = statement.lineno - 1
            if isinstance(statement, ast.ClassDef) and statement.decorator_list:
                start = statement.decorator_list[0].lineno - 1
            body.append("".join(lines[start : statement.end_lineno]))
            after += [text_of(s).strip() for s in trailing.get(member, [])]
        files[f"{module}.py"] = (
            "".join(parts)
            + "\n\n"
            + "\n\n".join(body)
            + "\n"
            + ("\n".join(after) + "\n" if after else "")
        )

    names = sorted(module_of)
    init = [
        header,
        '"""The models, each loaded on first use (``from . import models; models.Name``)."""\n\n',
        "from __future__ import annotations\n\nimport importlib\n"
        "from typing import TYPE_CHECKING, Any\n\nif TYPE_CHECKING:\n",
    ]
    for module, members in modules:
        init.append(f"    from .{module} import {', '.join(members)}\n")
    init.append("\n__all__ = [\n" + "".join(f"    {n!r},\n" for n in names) + "]\n\n")
    init.append(
        "# Which module defines each model; imported when the name is first used.\n_HOMES = {\n"
        + "".join(f"    {n!r}: {'.' + module_of[n]!r},\n" for n in names)
        + "}\n"
    )
    init.append(
        "\n\nif not TYPE_CHECKING:  # a type checker sees the imports above: an unknown name is"
        " an error\n\n"
        "    def __getattr__(name: str) -> Any:\n"
        "        home = _HOMES.get(name)\n"
        "        if home is None:\n"
        '            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")\n'
        "        value = getattr(importlib.import_module(home, __name__), name)\n"
        "        globals()[name] = value  # later look-ups skip this function\n"
        "        return value\n\n\n"
        "def __dir__() -> list[str]:\n"
        "    return sorted(__all__)\n"
    )
    files["__init__.py"] = "".join(init)
    return files
