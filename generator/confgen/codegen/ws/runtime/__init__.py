"""The TrueConf Room WebSocket client runtime, copied verbatim into a generated package as
``_runtime/``.

TrueConf-specific (``config.json`` port discovery, the ``auth`` command, ``appState``).
Relative imports only. ``_validation.py``, ``_types.py`` and ``_index.py`` are not here:
they live once in ``generator/confgen/codegen/http/runtime/`` (the HTTP runtime) and the
generator copies them into this runtime's packages too, so both kinds of package validate
arguments the same way. These files therefore run only inside a generated package (tests use ``generated/trueconf``).
"""
