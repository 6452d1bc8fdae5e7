"""Stage 2: specs -> client packages.

A shared base both targets import by public names: `spec` (document access, ``$ref``
resolution, schema names), `annotations` (schema -> argument annotation), `naming`,
`escape` (every spec string into code or Markdown), `models` (pydantic models through
datamodel-code-generator), `split` (lazily loaded model packages), `diagnostics`, `format`
(ruff), `runtimes` (where each runtime lives); `generate` runs a target and writes its
package, `progress` shows it. One target per transport, each with its loader, IR,
renderer, templates and runtime: `http` (OpenAPI 3.0/3.1) and `ws` (AsyncAPI 3.0).
"""
