"""Spec drift (``confgen drift``): what changed between the committed specs and code and
what their sources give now, classified for a client's user.

- ``confgen.drift.fields``: schemas flattened to fields, compared field by field (pure)
- ``confgen.drift.compare``: ``diff_specs``, two spec documents compared (pure)
- ``confgen.drift.report``: ``DriftReport`` and its rendering (pure)
- ``confgen.drift.run``: the run: re-extract, re-render into a temporary folder, update
- ``confgen.drift.fetch``: downloading the published pages (``--fetch``)
"""

from __future__ import annotations

from confgen.drift.compare import Change, diff_specs
from confgen.drift.report import DriftReport, FileDrift, format_report
from confgen.drift.run import apply_update, check_drift, run_drift

__all__ = [
    "Change",
    "DriftReport",
    "FileDrift",
    "apply_update",
    "check_drift",
    "diff_specs",
    "format_report",
    "run_drift",
]
