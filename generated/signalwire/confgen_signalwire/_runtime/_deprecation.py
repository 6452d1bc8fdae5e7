"""`DeprecationWarning` for deprecated operations and parameters, at the caller's line."""

from __future__ import annotations

import os
import sys
import warnings
from typing import Final

__all__ = ["warn_deprecated"]

# The generated package's folder: frames in it (resource methods, the raw-response and
# streaming wrappers) are ours, and the warning belongs to the first frame outside it.
_PACKAGE: Final = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def warn_deprecated(message: str) -> None:
    """Warn ``message`` as a `DeprecationWarning` attributed to the user's call, however
    many of the package's own frames (``with_raw_response``, async wrappers) are between."""
    level, frame = 2, sys._getframe(1)
    while frame.f_back is not None and os.path.abspath(frame.f_code.co_filename).startswith(
        _PACKAGE
    ):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, DeprecationWarning, stacklevel=level)
