"""The lazy model package: each module imports exactly the classes it refers to."""

from __future__ import annotations

from confgen.codegen.split import split_models

SOURCE = '''
from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field


class Error(BaseModel):
    code: str


class Widget(BaseModel):
    """Error"""

    name: Annotated[str | None, Field(examples=["Error"])] = None
    """
    Error
    """


class Holder(BaseModel):
    items: list["Widget"] | None = None
'''


def test_strings_in_calls_and_docstrings_are_not_references() -> None:
    files = split_models(SOURCE, {"get": ["Widget"], "fail": ["Error"]}, header="# h\n")
    widget = next(text for name, text in files.items() if "class Widget" in text)
    assert "import Error" not in widget


def test_a_forward_reference_written_as_a_string_is_imported() -> None:
    files = split_models(SOURCE, {"get": ["Holder"], "other": ["Widget"]}, header="# h\n")
    holder = next(text for name, text in files.items() if "class Holder" in text)
    assert "import Widget" in holder
