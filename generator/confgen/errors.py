"""Expected failures of the pipeline: each names the place it comes from.

The command line prints these without a traceback; anything else is a bug.
"""

from __future__ import annotations

from confgen.codegen.escape import plain_text


class ConfgenError(Exception):
    """A failure the user can act on, located in an input file.

    ``source`` is the file (as given), ``line``/``column`` are 1-based positions in
    it, ``pointer`` is a JSON pointer into a spec, ``expected`` says what would have
    been valid there.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        column: int | None = None,
        pointer: str | None = None,
        expected: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.line = line
        self.column = column
        self.pointer = pointer
        self.expected = expected

    @property
    def location(self) -> str:
        """``file:line:column#/json/pointer``, as much of it as is known."""
        place = self.source or "<input>"
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        if self.pointer is not None:
            place += f"#{self.pointer}"
        return place

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}"
        if self.expected:
            text += f" (expected {self.expected})"
        # One line, whatever the input held: spec text (a newline, NUL or a terminal
        # escape in a key) is spelled out, never printed raw.
        return plain_text(text).replace("\n", "\\n")


class UsageError(ConfgenError):
    """A command-line argument that cannot be used (exit code 2, like argparse's own)."""

    @property
    def location(self) -> str:
        return self.source or "confgen"

    def __str__(self) -> str:
        text = self.message + (f" (expected {self.expected})" if self.expected else "")
        return plain_text(text).replace("\n", "\\n")


class ExtractError(ConfgenError):
    """A doc page that its extractor cannot turn into a spec."""


class OverlayError(ConfgenError):
    """An overlay action that cannot be applied."""


class SpecValidationError(ConfgenError):
    """A spec that does not validate against its format's schema."""


class ManifestError(ConfgenError):
    """A provider manifest (``specs/providers.toml``) that is incomplete or wrong."""


def json_pointer(parts: object) -> str:
    """RFC 6901 pointer for a sequence of keys and indexes."""
    assert isinstance(parts, (list, tuple))
    if not parts:
        return "/"
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)
