"""The generate pipeline: spec -> IR -> files -> ruff -> swapped in atomically.

Every package is built and formatted in a temporary folder before any committed
package is replaced, so a failure anywhere leaves all of ``generated/`` as it was.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from confgen.codegen.diagnostics import Diagnostic
from confgen.codegen.extensions import check_extensions
from confgen.codegen.format import format_python
from confgen.codegen.http.ir import Api
from confgen.codegen.http.load import load_api
from confgen.codegen.http.render import render_package
from confgen.codegen.http.webhooks import load_webhooks
from confgen.codegen.project import MANIFEST_ADVICE, distribution_of, in_project_layout
from confgen.codegen.spec import boolean_schemas_as_objects
from confgen.codegen.ws.ir import WsApi
from confgen.errors import ConfgenError, json_pointer
from confgen.fsutil import replace_tree
from confgen.manifest import Provider
from confgen.yamlio import load_yaml

__all__ = [
    "GenerateResult",
    "Stage",
    "StageEvent",
    "Stale",
    "Summary",
    "Target",
    "generate_packages",
    "targets_from_manifest",
]


@dataclass(frozen=True)
class Target:
    """One package to generate: which spec, where to, under which names."""

    spec: Path
    out: Path
    """The project folder (``generated/telnyx``: ``pyproject.toml``, ``README.md``,
    ``LICENSE``, and the package itself in ``confgen_telnyx/``)."""
    package: str
    client_class: str
    spec_source: str
    """How file headers and errors name the spec (independent of the working folder)."""
    import_path: str
    title: str | None = None
    """The API's name in docs (default: the spec's ``info.title``)."""
    regenerate_advice: str = MANIFEST_ADVICE
    """What the files' headers say to do instead of editing them."""
    distribution: str | None = None
    """The project's distribution name (``confgen-telnyx``; its wheel installs
    ``confgen_telnyx``); ``None``: the package's own name (``--spec``)."""
    strict: bool = True
    """Refuse what cannot be rendered (the manifest's specs); ``False`` skips it with a
    warning instead (``confgen generate --spec`` on someone else's whole API)."""


@dataclass(frozen=True)
class Stale:
    """A file whose committed bytes differ from what generation gives."""

    change: str
    """``added``, ``changed`` or ``removed``."""
    path: Path


@dataclass(frozen=True)
class GenerateResult:
    """What one ``generate`` run did (``written``) or found out of date (``stale``)."""

    written: list[Path]
    stale: list[Stale]
    summaries: list[Summary] = dataclasses.field(default_factory=list)


def targets_from_manifest(providers: Sequence[Provider]) -> list[Target]:
    """The manifest's providers as targets (OpenAPI ones render HTTP clients, AsyncAPI
    ones WebSocket clients through `confgen.codegen.ws.load`)."""
    targets = []
    for provider in providers:
        if provider.spec_format not in ("openapi", "asyncapi"):
            continue
        targets.append(
            Target(
                spec=provider.spec,
                out=provider.package,
                package=provider.package.name,
                client_class=provider.client_class,
                spec_source=provider.relative(provider.spec),
                import_path=f"confgen_{provider.package.name}",
                title=provider.title,
                distribution=f"confgen-{provider.package.name.replace('_', '-')}",
            )
        )
    return targets


def _read_spec(target: Target) -> Mapping[str, object]:
    try:
        data = target.spec.read_bytes()
    except FileNotFoundError:
        raise ConfgenError(
            "spec not found (run `confgen extract` first)", source=target.spec_source
        ) from None
    except IsADirectoryError:
        raise ConfgenError(
            "is a folder, not a spec file", source=target.spec_source, expected="a YAML/JSON file"
        ) from None
    except OSError as error:
        raise ConfgenError(
            f"cannot read the spec: {error.strerror}", source=target.spec_source
        ) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ConfgenError(
            f"not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})",
            source=target.spec_source,
            line=line,
            expected="a YAML/JSON text file",
        ) from None
    if "\x00" in text:
        raise ConfgenError(
            "a NUL byte: a binary file, not a YAML/JSON spec",
            source=target.spec_source,
            line=text[: text.index("\x00")].count("\n") + 1,
            expected="a YAML/JSON text file",
        )
    try:
        document = _parse_spec(text)
    except Exception as error:  # yaml.YAMLError and friends: located by the parser
        mark = getattr(error, "problem_mark", None)
        raise ConfgenError(
            f"not valid YAML/JSON: {getattr(error, 'problem', None) or error}",
            source=target.spec_source,
            line=mark.line + 1 if mark is not None else None,
            column=mark.column + 1 if mark is not None else None,
        ) from None
    if not isinstance(document, dict):
        raise ConfgenError(
            "a spec must be a YAML/JSON object",
            source=target.spec_source,
            pointer="/",
            expected=f"a mapping at the top, not {type(document).__name__}",
        )
    check_document(document, target.spec_source)
    return document


#: How deep a spec may nest (real specs stay under 40 levels; recursion in the loaders
#: must never meet an unbounded depth).
MAX_DEPTH = 100
# Where spec text is documentation only: a lone surrogate there is escaped when rendered.
_DOC_KEYS = frozenset({"description", "summary", "title"})


class _Found(Exception):
    """A problem deep in the document; the path is collected as it propagates up."""

    def __init__(self, message: str, expected: str) -> None:
        super().__init__(message)
        self.message = message
        self.expected = expected
        self.path: list[object] = []


def check_document(document: Mapping[str, object], source: str) -> None:
    """Refuse what no spec may hold, with its pointer: a mapping key that is not a
    string (a status code under ``responses`` aside), a ``$ref`` that is not a string,
    nesting deeper than `MAX_DEPTH`, and a lone surrogate outside documentation text (a
    name or value holding one cannot be encoded as UTF-8, so it could never be sent; in
    a description it is escaped instead).

    One pass, no bookkeeping per node: the pointer is built only when something is wrong.
    """
    try:
        _scan(document, 0, False, False, False)
    except _Found as found:
        raise ConfgenError(
            found.message,
            source=source,
            pointer=json_pointer(found.path[::-1]),
            expected=found.expected,
        ) from None


def _scan(node: object, depth: int, is_doc: bool, under_responses: bool, names: bool) -> None:
    """``names``: ``node`` maps property names to schemas (a property may be called ``$ref``)."""
    if depth > MAX_DEPTH:
        raise _Found(
            f"the spec nests deeper than {MAX_DEPTH} levels", f"at most {MAX_DEPTH} levels"
        )
    kind = type(node)
    if kind is dict:
        assert isinstance(node, dict)
        ref = node.get("$ref")
        if ref is not None and type(ref) is not str and not names:
            found = _Found(f"$ref is {type(ref).__name__} {ref!r}"[:80], "a string")
            found.path.append("$ref")
            raise found
        for key, value in node.items():
            try:
                if type(key) is not str:
                    if not (under_responses and type(key) is int):
                        raise _Found(
                            f"mapping key {key!r} is a {type(key).__name__}",
                            "string keys (quote it)",
                        )
                elif not key.isascii():
                    _check_text(key)
                _scan(value, depth + 1, key in _DOC_KEYS, key == "responses", key == "properties")
            except _Found as found:
                found.path.append(key)
                raise
    elif kind is list:
        assert isinstance(node, list)
        for index, item in enumerate(node):
            try:
                _scan(item, depth + 1, False, False, False)
            except _Found as found:
                found.path.append(index)
                raise
    elif kind is str and not is_doc:
        assert isinstance(node, str)
        if not node.isascii():
            _check_text(node)


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise _Found(
            "a lone surrogate (not a Unicode character) in a name or value",
            "text that can be encoded as UTF-8",
        ) from None


def _parse_spec(text: str) -> object:
    """The document of a YAML or JSON spec.

    JSON text (a big API's usual form: GitHub's is 12 MB) goes through `json.loads`,
    about a hundred times faster than a YAML parser; if it is not valid JSON after all,
    the YAML parser reads it and reports where it is wrong.
    """
    if text.lstrip()[:1] == "{":
        # A duplicate key falls through to the YAML parser, which names both lines.
        with contextlib.suppress(ValueError, RecursionError):
            return json.loads(text, object_pairs_hook=_unique_pairs)
    return load_yaml(text)


def _unique_pairs(pairs: list[tuple[str, object]]) -> dict[str, object]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise ValueError("duplicate key")
    return out


# A spec and its models are hundreds of thousands of long-lived objects: at the default
# threshold (700), the cycle collector walks them all over and over, a third of the run.
_BULK_GC_THRESHOLD = (100_000, 50, 100)


@contextlib.contextmanager
def _bulk_gc() -> Iterator[None]:
    """Collect cycles less often while a package is built (restored afterwards)."""
    before = gc.get_threshold()
    gc.set_threshold(*_BULK_GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*before)


@dataclass(frozen=True)
class Summary:
    """What one package's generation produced, for the closing summary."""

    package: str
    operations: int
    models: int
    files: int
    skipped: tuple[Diagnostic, ...]
    renamed: tuple[Diagnostic, ...]
    seconds: float


StageName = Literal["read", "load", "render", "write"]


@dataclass(frozen=True)
class StageEvent:
    """A stage of one package's generation, as it starts (drives the progress bar)."""

    name: StageName
    description: str
    """What a person reads: ``rendering 12 operations and their models``."""
    count: int | None = None
    """How many items the stage handles (operations to render, files to write)."""


Stage = Callable[[StageEvent], None]
"""Called with each `StageEvent` as its stage starts."""


def _no_stage(event: StageEvent) -> None:
    return None


def build_package(
    target: Target,
    folder: Path,
    *,
    stage: Stage = _no_stage,
    summaries: list[Summary] | None = None,
) -> dict[str, bytes]:
    """Render ``target`` into ``folder`` (empty), format it there, and return its files.

    ``summaries`` (when given) gets this package's `Summary` appended.
    """
    begun = time.perf_counter()
    files, api = render_target(target, stage=stage)
    stage(StageEvent("write", f"writing and formatting {len(files)} files", len(files)))
    return _write_and_format(target, folder, files, api, begun, summaries)


def render_target(
    target: Target, *, stage: Stage = _no_stage
) -> tuple[dict[str, bytes], Api | WsApi]:
    """Read and render ``target``'s spec: the package's files, unformatted (nothing is
    written). Every invalid input is a located `ConfgenError`."""
    stage(StageEvent("read", f"reading {target.spec_source}"))
    document = _read_spec(target)
    with _located(document, target.spec_source):
        files, api = _render(document, target, stage)
    return in_project_layout(files, distribution_of(target.package, target.distribution)[1]), api


# What a loader raises when it meets a node of a type it did not expect.
_SHAPE_ERRORS = (TypeError, AttributeError, KeyError, IndexError, ValueError)


@contextlib.contextmanager
def _located(document: Mapping[str, object], source: str) -> Iterator[None]:
    """Turn a loader's surprise at a node of the wrong type into the located error the
    format's own validator gives for the document (OpenAPI: openapi-spec-validator;
    AsyncAPI: its JSON schema). When the validator finds nothing, the surprise is a
    generator bug and propagates as it is."""
    import jinja2

    try:
        yield
    except (*_SHAPE_ERRORS, jinja2.UndefinedError):
        from confgen.extract.validate import validate_asyncapi, validate_openapi

        if "asyncapi" in document:
            validate_asyncapi(dict(document), source=source)
        else:
            validate_openapi(dict(document), source=source)
        raise


def _render(
    document: Mapping[str, object], target: Target, stage: Stage
) -> tuple[dict[str, bytes], Api | WsApi]:
    api: Api | WsApi
    check_extensions(document, source=target.spec_source)
    document = boolean_schemas_as_objects(document)
    if "asyncapi" in document:  # a WebSocket API: generator/confgen/codegen/ws/
        from confgen.codegen.ws.render import render_ws_target

        files, api = render_ws_target(document, target)
    else:
        stage(StageEvent("load", "loading operations"))
        api = load_api(
            document,
            source=target.spec_source,
            package=target.package,
            client_class=target.client_class,
            title=target.title,
            strict=target.strict,
        )
        try:
            webhooks = load_webhooks(document, api)
        except ConfgenError as error:
            if api.strict:
                raise
            webhooks = None
            skip = Diagnostic(
                "skip", error.pointer or "/webhooks", f"webhooks skipped: {error.message}"
            )
            api = dataclasses.replace(api, skipped=(*api.skipped, skip))
        # The parsed spec is not needed past here: freed before the models (the peak).
        del document
        count = len(api.operations)
        stage(StageEvent("render", f"rendering {count} operations and their models", count))
        files = render_package(
            api, target.import_path, webhooks, target.distribution, target.regenerate_advice
        )
    return files, api


def _write_and_format(
    target: Target,
    folder: Path,
    files: Mapping[str, bytes],
    api: Api | WsApi,
    begun: float,
    summaries: list[Summary] | None,
) -> dict[str, bytes]:
    for relative, data in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    package = distribution_of(target.package, target.distribution)[1] + "/"
    # The runtime is copied verbatim (already formatted at its source): not reformatted.
    python = [r for r in files if r.endswith(".py") and not r.startswith(package + "_runtime/")]
    # exact imports already (generator/confgen/codegen/split.py)
    split = (package + "models/", package + "_request_models/")
    format_python(
        [folder / r for r in python if not r.startswith(split) or r.endswith("__init__.py")],
        imports_sorted=[
            *(folder / r for r in python if r.startswith(split) and not r.endswith("__init__.py")),
            # README examples: ruff formats Python blocks in Markdown too (long list values).
            *(folder / r for r in files if r.endswith(".md")),
        ],
    )
    built = {relative: (folder / relative).read_bytes() for relative in files}
    built[MARKER] = marker_text(built)
    (folder / MARKER).write_bytes(built[MARKER])
    if summaries is not None:
        models = sum(
            data.count(b"\nclass ")
            for relative, data in built.items()
            if relative.removeprefix(package).split("/")[0]
            in ("models", "models.py", "_request_models", "_request_models.py")
        )
        summaries.append(
            Summary(
                package=target.package,
                operations=len(api.operations) if isinstance(api, Api) else len(api.commands),
                models=models,
                files=len(built),
                skipped=api.skipped,
                renamed=api.renamed,
                seconds=time.perf_counter() - begun,
            )
        )
    return built


#: The file every generated package carries: confgen's mark, and the list of the files
#: it wrote there. A folder without it is never replaced; a file in the folder that it
#: does not list (one a user added) stops the run instead of being deleted.
MARKER = ".confgen-generated"
_MARKER_HEAD = (
    b"# Written by confgen: this folder is generated and replaced whole on every run.\n"
    b"# The files it wrote (a file not listed here stops the next run, never deleted):\n"
)


def marker_text(files: Mapping[str, bytes]) -> bytes:
    """The marker's bytes for a package of ``files`` (deterministic: sorted paths)."""
    listed = sorted(name for name in files if name != MARKER)
    return _MARKER_HEAD + b"".join(name.encode("utf-8") + b"\n" for name in listed)


def _listed(marker: Path) -> set[str] | None:
    """The files a marker lists, or None when ``marker`` is not confgen's."""
    try:
        data = marker.read_bytes()
    except OSError:
        return None
    if not data.startswith(_MARKER_HEAD):
        return None
    return {line for line in data[len(_MARKER_HEAD) :].decode("utf-8").splitlines() if line}


def check_replaceable(out: Path) -> None:
    """Refuse to replace ``out`` unless confgen wrote it and nobody added files since.

    An absent folder is fine. A file, a folder without the marker, or a package holding
    files the marker does not list (caches aside) is a `ConfgenError` naming it.
    """
    if not out.exists() and not out.is_symlink():
        return
    if out.is_symlink() or not out.is_dir():
        raise ConfgenError(
            "exists and is not a folder: refusing to replace it",
            source=str(out),
            expected="a folder confgen generated, or no such path",
        )
    listed = _listed(out / MARKER)
    if listed is None:
        raise ConfgenError(
            f"refusing to replace a folder confgen did not write (it has no {MARKER}); "
            "move it away or pick another --out/--package",
            source=str(out),
        )
    added = sorted(
        path.relative_to(out).as_posix()
        for path in out.rglob("*")
        if (path.is_file() or path.is_symlink())
        and path.name != MARKER
        and "__pycache__" not in path.parts
        and path.suffix != ".pyc"
        and path.relative_to(out).as_posix() not in listed
    )
    if added:
        shown = ", ".join(added[:10]) + (f" and {len(added) - 10} more" if len(added) > 10 else "")
        raise ConfgenError(
            f"holds {len(added)} file(s) confgen did not write: {shown}; "
            "move them out of the package (it is replaced whole) and run again",
            source=str(out),
        )


def _committed(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }


def _diff(out: Path, built: Mapping[str, bytes]) -> list[Stale]:
    committed = _committed(out)
    stale = [
        Stale("added" if name not in committed else "changed", out / name)
        for name, data in built.items()
        if committed.get(name) != data
    ]
    stale += [Stale("removed", out / name) for name in committed if name not in built]
    return sorted(stale, key=lambda item: str(item.path))


def generate_packages(
    targets: Sequence[Target], *, check: bool = False, stage: Stage = _no_stage
) -> GenerateResult:
    """Generate every target; with ``check``, write nothing and report stale files.

    All packages are built first; only then are the changed ones swapped in, each with
    `replace_tree` (a failed swap leaves that package's previous version).
    """
    with tempfile.TemporaryDirectory(prefix="confgen-generate-") as scratch:
        summaries: list[Summary] = []
        with _bulk_gc():
            built = {
                target.out: build_package(
                    target,
                    Path(scratch) / str(index) / target.package,
                    stage=stage,
                    summaries=summaries,
                )
                for index, target in enumerate(targets)
            }
        stale = {out: _diff(out, files) for out, files in built.items()}
        if check:
            return GenerateResult(
                written=[],
                stale=[item for out in built for item in stale[out]],
                summaries=summaries,
            )
        # Every folder is checked before any is replaced: a refusal writes nothing.
        for target in targets:
            if stale[target.out]:
                check_replaceable(target.out)
        written: list[Path] = []
        for index, target in enumerate(targets):
            if not stale[target.out]:
                continue
            source = Path(scratch) / str(index) / target.package

            def fill(staging: Path, source: Path = source) -> None:
                # Moved when scratch and output share a file system (thousands of files
                # for a whole API: a rename instead of a copy); copied otherwise.
                try:
                    staging.rmdir()
                    os.rename(source, staging)
                except OSError:
                    staging.mkdir(exist_ok=True)
                    shutil.copytree(source, staging, dirs_exist_ok=True)

            replace_tree(target.out, fill)
            written.append(target.out)
        return GenerateResult(written=written, stale=[], summaries=summaries)
