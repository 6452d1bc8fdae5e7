"""The WebSocket client runtime, copied verbatim into a generated package as ``_runtime/``.

Relative imports only: the same files run here (under test) and inside every generated
WebSocket package. ``_validation.py`` and ``_types.py`` are symlinks to ``generator/runtime/``
(the HTTP runtime), so both kinds of package validate arguments the same way.
"""
