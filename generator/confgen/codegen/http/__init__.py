"""The HTTP target: OpenAPI 3.0/3.1 -> `ir.Api` (`load`) -> package files (`render`, with
`webhooks`), from ``templates/``, with ``runtime/`` copied into each package as ``_runtime/``."""
