"""confgen: provider doc pages -> validated specs -> typed Python clients.

Stages, one subpackage or module each, in data-flow order:

- ``generator.extract``: doc pages (``specs/sources/``) -> specs (``specs/*.yaml``); its
  ``pipeline`` runs extractor -> overlay -> validation -> writing
- ``generator.codegen``: specs -> packages (``generated/<provider>/``), with the runtimes
  (``generator.codegen.http.runtime``, ``generator.codegen.ws.runtime``) copied in
- ``generator.drift``: committed specs and code compared with what their sources give now
- ``generator.cli``: the ``confgen`` command line
"""

__version__ = "0.1.0"
"""The generator's version (the ``confgen`` distribution's): part of every generated
package's version."""
