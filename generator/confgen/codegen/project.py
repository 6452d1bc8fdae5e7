"""What makes a generated package a standalone project: its ``pyproject.toml`` (name,
version, run-time dependencies, extras) and its ``LICENSE``; shared by both targets.

The project folder (``generated/telnyx/``) holds these files and the README; the package
itself is its subfolder named as it is imported (``generated/telnyx/confgen_telnyx/``), so
a path import, an editable install and the wheel all give the same name, nothing installs
a top-level ``generated`` and no name collides with a provider's own SDK.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import confgen

__all__ = [
    "ANYIO",
    "CRYPTOGRAPHY",
    "HTTPX",
    "HTTPX_SSE",
    "MANIFEST_ADVICE",
    "PYDANTIC",
    "PYJWT",
    "WEBSOCKETS",
    "Project",
    "distribution_of",
    "in_project_layout",
    "package_version",
    "project_files",
    "spec_advice",
]

#: Requirements, as every generated project spells them (the root pyproject.toml's ranges).
HTTPX = "httpx>=0.27,<1"
HTTPX_SSE = "httpx-sse>=0.4"
PYDANTIC = "pydantic>=2.7,<3"
ANYIO = "anyio>=4"
PYJWT = "pyjwt>=2.8"
CRYPTOGRAPHY = "cryptography>=42"
WEBSOCKETS = "websockets>=13"

_LICENSE = Path(__file__).resolve().parent / "templates" / "LICENSE"
_PLAIN_VERSION = re.compile(r"\d+(\.\d+)*\Z")
_NOT_LOCAL = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Project:
    """The ``[project]`` table of one generated package."""

    distribution: str
    """``confgen-telnyx``."""
    wheel_package: str
    """The import name its wheel installs (``confgen_telnyx``)."""
    version: str
    description: str
    dependencies: Sequence[str]
    extras: Sequence[tuple[str, Sequence[str]]] = ()


def package_version(spec_version: str) -> str:
    """The spec's ``info.version`` and the generator's, as one PEP 440 version:
    ``1.0.0+confgen.0.1.0``; a spec version that is not plain numbers (``2024-01 beta``)
    becomes a local label: ``0+api.2024.01.beta.confgen.0.1.0``."""
    generator_part = "confgen." + confgen.__version__
    if _PLAIN_VERSION.match(spec_version):
        return f"{spec_version}+{generator_part}"
    label = _NOT_LOCAL.sub(".", spec_version.lower()).strip(".") or "0"
    return f"0+api.{label}.{generator_part}"


def project_files(env: Any, project: Project, api: Any) -> dict[str, str]:
    """``pyproject.toml`` and ``LICENSE`` (text) for one package; ``env`` is the target's
    Jinja environment, ``api`` its IR (for the file header)."""
    text = env.get_template("pyproject.toml.jinja").render(
        api=api,
        distribution=project.distribution,
        wheel_package=project.wheel_package,
        version=project.version,
        description=project.description,
        dependencies=list(project.dependencies),
        extras=[(name, list(requirements)) for name, requirements in project.extras],
    )
    return {"pyproject.toml": text, "LICENSE": _LICENSE.read_text(encoding="utf-8")}


MANIFEST_ADVICE = "change the spec (or its overlay) and run `make generate`"
"""What file headers tell a reader of a package generated from the manifest."""


def spec_advice(spec_file: str, package: str) -> str:
    """What file headers tell a reader of a ``confgen generate --spec`` package."""
    return (
        f"change the spec and run `confgen generate --spec {spec_file} --out DIR "
        f"--package {package}` again"
    )


def distribution_of(package: str, distribution: str | None) -> tuple[str, str]:
    """``(distribution, wheel package)``: the given distribution (``confgen-telnyx``) and
    its import name, else the package's own name (``--spec ... --package NAME``)."""
    name = distribution or package.replace("_", "-")
    return name, name.replace("-", "_")


#: The files of a project folder; everything else a target renders is the package's.
PROJECT_FILES = frozenset({"pyproject.toml", "README.md", "LICENSE"})


def in_project_layout(files: Mapping[str, bytes], wheel_package: str) -> dict[str, bytes]:
    """A target's files (paths relative to the package) placed in its project folder:
    the project files at the top, every module under ``wheel_package/``."""
    return {
        (name if name in PROJECT_FILES else f"{wheel_package}/{name}"): data
        for name, data in files.items()
    }
