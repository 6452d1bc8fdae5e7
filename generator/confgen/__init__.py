"""confgen: provider doc pages -> validated specs -> typed Python clients.

Stages, one subpackage or module each, in data-flow order:

- ``confgen.extract``: doc pages (``specs/sources/``) -> specs (``specs/*.yaml``); its
  ``pipeline`` runs extractor -> overlay -> validation -> writing
- ``confgen.codegen``: specs -> packages (``generated/<provider>/``), with the runtimes
  (``confgen.codegen.http.runtime``, ``confgen.codegen.ws.runtime``) copied in
- ``confgen.drift``: committed specs and code compared with what their sources give now
- ``confgen.cli``: the ``confgen`` command line
"""

__version__ = "0.1.0"
"""The generator's version (the ``confgen`` distribution's): part of every generated
package's version."""
