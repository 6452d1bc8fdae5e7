"""Spec drift (``confgen drift``): what changed between the committed specs and code and
what their sources give now, classified for a client's user.

- ``generator.drift.fields``: schemas flattened to fields, compared field by field (pure)
- ``generator.drift.compare``: ``diff_specs``, two spec documents compared (pure)
- ``generator.drift.report``: ``DriftReport`` and its rendering (pure)
- ``generator.drift.run``: the run: re-extract, re-render into a temporary folder, update
- ``generator.drift.fetch``: downloading the published pages (``--fetch``)
"""

from __future__ import annotations

from generator.drift.compare import Change, diff_specs
from generator.drift.report import DriftReport, FileDrift, format_report
from generator.drift.run import apply_update, check_drift, run_drift

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
