"""confgen: provider doc pages -> validated specs -> typed Python clients.

Stages, one subpackage or module each, in data-flow order:

- ``generator.extract``: doc pages (``specs/sources/``) -> specs (``specs/*.yaml``)
- ``generator.extract.pipeline``: the pipeline around extraction (overlays, validation, writing)
- ``generator.cli``: the ``confgen`` command line
"""
