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

from generator.codegen.format import format_python
from generator.codegen.ir import Api, Skipped
from generator.codegen.load import load_api
from generator.codegen.render import render_package
from generator.codegen.webhooks import load_webhooks
from generator.errors import ConfgenError
from generator.fsutil import replace_tree
from generator.manifest import Provider
from generator.yamlio import load_yaml

__all__ = [
    "GenerateResult",
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
    """The package folder (``generated/telnyx``)."""
    package: str
    client_class: str
    spec_source: str
    """How file headers and errors name the spec (independent of the working folder)."""
    import_path: str
    title: str | None = None
    """The API's name in docs (default: the spec's ``info.title``)."""
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
    ones WebSocket clients through `generator.codegen.asyncapi`)."""
    targets = []
    for provider in providers:
        if provider.spec_format not in ("openapi", "asyncapi"):
            continue
        relative = provider.relative(provider.package)
        targets.append(
            Target(
                spec=provider.spec,
                out=provider.package,
                package=provider.package.name,
                client_class=provider.client_class,
                spec_source=provider.relative(provider.spec),
                import_path=relative.replace("/", "."),
                title=provider.title,
            )
        )
    return targets


def _read_spec(target: Target) -> Mapping[str, object]:
    try:
        text = target.spec.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfgenError(
            "spec not found (run `confgen extract` first)", source=target.spec_source
        ) from None
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
        raise ConfgenError("a spec must be a YAML/JSON object", source=target.spec_source)
    return document


def _parse_spec(text: str) -> object:
    """The document of a YAML or JSON spec.

    JSON text (a big API's usual form: GitHub's is 12 MB) goes through `json.loads`,
    about a hundred times faster than a YAML parser; if it is not valid JSON after all,
    the YAML parser reads it and reports where it is wrong.
    """
    if text.lstrip()[:1] == "{":
        with contextlib.suppress(ValueError):
            return json.loads(text)
    return load_yaml(text)


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
    skipped: tuple[Skipped, ...]
    renamed: tuple[Skipped, ...]
    seconds: float


Stage = Callable[[str], None]
"""Called with the name of each stage as it starts (drives the progress bar)."""


def _no_stage(name: str) -> None:
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
    api: Api | None = None
    stage(f"reading {target.spec_source}")
    document = _read_spec(target)
    if "asyncapi" in document:  # a WebSocket API: generator/codegen/asyncapi.py
        from generator.codegen.asyncapi import render_ws_target

        files = render_ws_target(document, target)
    else:
        stage("loading operations")
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
            skip = Skipped(error.pointer or "/webhooks", f"webhooks skipped: {error.message}")
            api = dataclasses.replace(api, skipped=(*api.skipped, skip))
        stage(f"rendering {len(api.operations)} operations and their models")
        files = render_package(api, target.import_path, webhooks)
    stage(f"writing and formatting {len(files)} files")
    for relative, data in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    # The runtime is copied verbatim (already formatted at its source): not reformatted.
    python = [r for r in files if r.endswith(".py") and not r.startswith("_runtime/")]
    split = ("models/", "_request_models/")  # exact imports already (generator/codegen/split.py)
    format_python(
        [folder / r for r in python if not r.startswith(split) or r.endswith("__init__.py")],
        imports_sorted=[
            *(folder / r for r in python if r.startswith(split) and not r.endswith("__init__.py")),
            # README examples: ruff formats Python blocks in Markdown too (long list values).
            *(folder / r for r in files if r.endswith(".md")),
        ],
    )
    built = {relative: (folder / relative).read_bytes() for relative in files}
    if summaries is not None:
        models = sum(
            data.count(b"\nclass ")
            for relative, data in built.items()
            if relative.split("/")[0]
            in ("models", "models.py", "_request_models", "_request_models.py")
        )
        summaries.append(
            Summary(
                package=target.package,
                operations=len(api.operations) if api is not None else 0,
                models=models,
                files=len(built),
                skipped=api.skipped if api is not None else (),
                renamed=api.renamed if api is not None else (),
                seconds=time.perf_counter() - begun,
            )
        )
    return built


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
