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
