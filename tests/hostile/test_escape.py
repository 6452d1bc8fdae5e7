"""The escaping functions: what they return reads back as exactly the input, and the
templates' guard refuses any unescaped spec text."""

from __future__ import annotations

import ast
from pathlib import Path

import jinja2
import pytest

from confgen.codegen import escape
from confgen.codegen.escape import (
    UnescapedTextError,
    docstring,
    md_code,
    md_comment,
    plain_text,
    pycomment,
    pydoc,
    pystr,
    pyvalue,
)

from .conftest import payloads

TEXTS = [*payloads(Path("/tmp/x")).values(), "", '"', "\\", '""""', "a\ud800b", "\r"]


@pytest.mark.parametrize("text", TEXTS)
def test_pystr_reads_back_exactly_on_one_line(text: str) -> None:
    literal = pystr(text)
    assert "\n" not in literal and "\r" not in literal
    assert ast.literal_eval(literal) == text


@pytest.mark.parametrize("text", TEXTS)
def test_pydoc_and_docstring_read_back_as_plain_text(text: str) -> None:
    source = f'def f():\n    """{pydoc(text)} """\n'
    namespace: dict[str, object] = {}
    exec(compile(source, "t", "exec"), namespace)  # the docstring only: nothing else runs
    assert namespace["f"].__doc__ == plain_text(text) + " "  # type: ignore[attr-defined]
    tree = ast.parse(f"x = 1\n{docstring(text, text, [('arg', text)])}\n")
    assert len(tree.body) == 2 and isinstance(tree.body[1], ast.Expr)


def test_pyvalue_is_a_literal_for_json_like_data() -> None:
    value = {"a\n": [1, 2.5, None, True, {"\x00": "\ud800"}], "b": float("inf")}
    text = pyvalue(value)
    assert eval(text, {"__builtins__": {"float": float}}) == value


@pytest.mark.parametrize("text", TEXTS)
def test_comments_and_markdown_stay_on_their_line(text: str) -> None:
    assert "\n" not in pycomment(text)
    assert ast.parse(f"# {pycomment(text)}\n").body == []
    span = md_code(text)
    assert "\n" not in span
    fence = span[: len(span) - len(span.lstrip("`"))]
    assert fence not in span[len(fence) : -len(fence)]
    assert "--" not in md_comment(text) and ">" not in md_comment(text)


@pytest.mark.parametrize("text", ['x"y', "a\nb", "{{ x }}", "# c", "`code`", "<b>", "a\\b"])
def test_the_template_guard_refuses_unescaped_text(text: str) -> None:
    env = jinja2.Environment(finalize=escape.finalize, undefined=jinja2.StrictUndefined)
    escape.install(env)
    with pytest.raises(UnescapedTextError, match="without an escaping filter"):
        env.from_string("{{ value }}").render(value=text)
    assert env.from_string("{{ value | pystr }}").render(value=text) == pystr(text)


def test_every_template_prints_through_the_guard() -> None:
    """The package environments install the guard (so the hostile suite exercises it)."""
    from confgen.codegen.http.render import _environment as http_environment
    from confgen.codegen.ws.render import _environment as ws_environment

    for env in (http_environment(), ws_environment()):
        assert env.finalize is escape.finalize
        with pytest.raises(UnescapedTextError):
            env.from_string("{{ value }}").render(value='"""')
