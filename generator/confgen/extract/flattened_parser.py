"""The flattened-YAML parser: recovers the block structure of YAML whose newlines were
collapsed into spaces, by backtracking over the readings the OpenAPI grammar
(``confgen.extract.openapi_grammar``) allows. ``confgen.extract.flattened_yaml`` says
how and why; this module holds the parser state and the search.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace

import yaml

from confgen.errors import ExtractError
from confgen.extract.openapi_grammar import (
    ANY,
    KEY_PATTERN_NAMES,
    KEY_PATTERNS,
    OBJECTS,
    REFERENCE_FIELDS,
    SCHEMA_KEYWORDS,
    STR,
    AnyValue,
    Kind,
    ListOf,
    MapOf,
    Obj,
    SchemaKind,
    kind_for_shape,
    kind_title,
    scalar_fits,
    schema_keys_fit,
)
from confgen.extract.page import Page
from confgen.yamlio import load_yaml

# --------------------------------------------------------------------------- parser state


@dataclass(frozen=True)
class _Map:
    """An open block mapping: its kind, the column of its keys, the keys seen so far."""

    kind: Kind
    indent: int
    field: str
    keys: tuple[str, ...] = ()
    types: tuple[str, ...] | None = None  # a schema's `type`, once known
    props: tuple[str, ...] | None = None  # a schema's block `properties` names, once closed
    required: tuple[str, ...] | None = None  # a schema's `required` names, once closed


@dataclass(frozen=True)
class _Seq:
    """An open block sequence and its scalar items so far (for ``type``/``required``)."""

    item: Kind
    indent: int
    field: str
    values: tuple[str, ...] = ()


_Frame = _Map | _Seq


@dataclass(frozen=True)
class _Line:
    """Recovered output, one line per node, newest first (shared between readings)."""

    text: str
    previous: _Line | None


@dataclass(frozen=True)
class _Text:
    """A plain or block scalar being read: where it started and what it must be."""

    kind: Kind
    head: str  # the line so far: indentation and key (or dash)
    pos: int  # its first word (for a block scalar, the ``>-`` indicator)
    block: bool
    indent: int  # indentation of a block scalar's content


@dataclass(frozen=True)
class _State:
    """One point of one reading: next word, open containers, output so far."""

    pos: int
    stack: tuple[_Frame, ...]
    lines: _Line | None
    prefix: str | None = None  # "  - " start of the line for a list item's first entry
    fresh: bool = False  # the top container was just opened and takes the next token
    placed: int = 0  # keys and items placed so far (measures lookahead)
    done: bool = False


_Memo = tuple[int, tuple[_Frame, ...], bool]


@dataclass(frozen=True)
class _Key:
    name: str
    raw: str
    next: int  # index of the word after the key


@dataclass(frozen=True)
class _Choice:
    """Readings of one token, in groups: one group per place the token could take.

    Within a group the readings are in order of preference (a document-level field
    before the same field of an Operation). Across ``rival`` groups none is preferred: all are
    parsed to the end, and more than one complete reading is an ambiguity.
    """

    groups: list[list[_State]]
    labels: list[str]
    rival: bool


_WORD = re.compile(r"\S+")
_BLOCK_INDICATOR = re.compile(r"[>|]([1-9]?[+-]?|[+-][1-9])")
_NOT_KEY_START = ",[]{}#&*!|>%@`"
_LOOKAHEAD = 1  # placements checked beyond a candidate (plus the candidate itself)
_MAX_STEPS = 400_000
_MAX_FORK_DEPTH = 250


class _Ambiguity(Exception):
    def __init__(self, error: ExtractError) -> None:
        super().__init__(str(error))
        self.error = error


@functools.lru_cache(maxsize=4096)
def _plain_scalar(raw: str) -> tuple[str, str]:
    """YAML type (``str``/``bool``/``num``/``null``/``bad``) and text of a plain scalar."""
    try:
        value = load_yaml(raw)
    except yaml.YAMLError:
        return "bad", raw
    if isinstance(value, bool):
        return "bool", str(value).lower()
    if isinstance(value, int | float):
        return "num", raw
    if value is None:
        return "null", raw
    return ("str", value) if isinstance(value, str) else ("bad", raw)


def _accepts(frame: _Map, key: str) -> Kind | None:
    """The value kind ``key`` takes in ``frame``, or None if it cannot stand there."""
    if key in frame.keys:
        return None  # a repeated key closes the mapping
    kind = frame.kind
    if isinstance(kind, AnyValue):
        return ANY
    if isinstance(kind, MapOf):
        return kind.value if KEY_PATTERNS[kind.keys].fullmatch(key) else None
    if isinstance(kind, SchemaKind):
        if key.startswith("x-"):
            return ANY
        if key not in SCHEMA_KEYWORDS:
            return None
        fits = schema_keys_fit((*frame.keys, key), frame.types, kind.applicator)
        return SCHEMA_KEYWORDS[key] if fits else None
    assert isinstance(kind, Obj)
    spec = OBJECTS[kind.name]
    if kind.ref_ok and (key == "$ref" or "$ref" in frame.keys):
        refs_only = all(name in REFERENCE_FIELDS for name in (*frame.keys, key))
        return STR if refs_only else None
    if key in spec.fields:
        return spec.fields[key]
    return ANY if key.startswith("x-") else None


def _closing_problem(frame: _Frame) -> str | None:
    """Why ``frame`` cannot be closed as it stands, or None."""
    if isinstance(frame, _Seq):
        return None
    kind = frame.kind
    if isinstance(kind, SchemaKind):
        if not schema_keys_fit(frame.keys, frame.types, kind.applicator):
            return f"the schema under {frame.field!r} mixes keywords its type does not allow"
        # OpenAPI 3.0 required `items` beside `type: array` and writers still add it;
        # without this, `items:` after `type: array` could also be a property name.
        array = bool(frame.types and "array" in frame.types)
        if array and not {"items", "prefixItems"} & set(frame.keys):
            return f"the array schema under {frame.field!r} has no 'items'"
        # A `required` list names the schema's own properties: that is what tells an
        # object schema's list from one of an object-typed property just inside it.
        if frame.props is not None and frame.required is not None:
            missing = [name for name in frame.required if name not in frame.props]
            if missing:
                return f"the schema under {frame.field!r} requires undeclared {missing}"
        return None
    if not isinstance(kind, Obj) or (kind.ref_ok and "$ref" in frame.keys):
        return None
    spec = OBJECTS[kind.name]
    missing = [name for name in spec.required if name not in frame.keys]
    if missing:
        return f"{spec.title} under {frame.field!r} lacks required field {missing[0]!r}"
    if spec.one_of and not any(name in frame.keys for name in spec.one_of):
        return f"{spec.title} needs one of {', '.join(spec.one_of)}"
    return None


def _describe(frame: _Frame) -> str:
    if isinstance(frame, _Seq):
        return f"a '- ' item of the {frame.field!r} list"
    if isinstance(frame.kind, MapOf):
        return f"{KEY_PATTERN_NAMES[frame.kind.keys]} in {frame.field!r}"
    if isinstance(frame.kind, SchemaKind):
        return f"a JSON Schema keyword of {frame.field!r}"
    if isinstance(frame.kind, Obj):
        return f"a field of the {kind_title(frame.kind)} {frame.field!r}"
    return f"a key of {frame.field!r}"


def _label(frame: _Frame) -> str:
    return f"{frame.field!r} ({kind_title(frame.kind if isinstance(frame, _Map) else frame.item)})"


class _Parser:
    """Recursive descent over the words of one flattened YAML block, with backtracking."""

    def __init__(self, page: Page, start: int, end: int) -> None:
        self.page = page
        self.text = page.text
        self.end = end
        self.spans = [(m.start(), m.end()) for m in _WORD.finditer(self.text, start, end)]
        self.count = len(self.spans)
        self.index_at_end = {span[1]: i for i, span in enumerate(self.spans)}
        self.keys: dict[int, _Key | None] = {}
        self.dead: set[_Memo] = set()
        self.steps = 0
        self.forks = 0
        self.quiet = 0  # > 0 inside lookahead, whose failures are not the page's errors
        self.failure: tuple[int, str, list[str]] = (-1, "", [])

    # ----------------------------------------------------------------- words

    def word(self, i: int) -> str:
        start, end = self.spans[i]
        return self.text[start:end]

    def offset(self, i: int) -> int:
        return self.spans[i][0] if i < self.count else self.end

    def raw(self, first: int, stop: int) -> str:
        """Page text of words ``first .. stop-1`` (spaces inside kept as captured)."""
        if stop <= first:
            return ""
        return self.text[self.spans[first][0] : self.spans[stop - 1][1]]

    def scan_quoted(self, start: int) -> int | None:
        """Offset just after the quoted scalar opening at ``start``."""
        quote, k = self.text[start], start + 1
        while k < self.end:
            char = self.text[k]
            if quote == "'" and char == "'":
                if self.text[k + 1 : k + 2] != "'":
                    return k + 1
                k += 1
            elif quote == '"' and char == "\\":
                k += 1
            elif quote == '"' and char == '"':
                return k + 1
            k += 1
        return None

    def scan_flow(self, start: int) -> int | None:
        """Offset just after the flow collection opening at ``start``."""
        depth, k = 0, start
        while k < self.end:
            char = self.text[k]
            if char in "'\"" and self.text[k - 1] in "[{, ":
                after = self.scan_quoted(k)
                if after is None:
                    return None
                k = after
                continue
            if char in "[{":
                depth += 1
            elif char in "]}":
                depth -= 1
                if depth == 0:
                    return k + 1
            k += 1
        return None

    def word_after(self, offset: int | None) -> int | None:
        """Index of the word after the one ending at ``offset``, if one ends there."""
        if offset is None or offset not in self.index_at_end:
            return None
        return self.index_at_end[offset] + 1

    def key_at(self, i: int) -> _Key | None:
        """The mapping key starting at word ``i`` (``name:`` or ``'quoted':``), if any."""
        if i >= self.count:
            return None
        if i not in self.keys:
            self.keys[i] = self._read_key(i)
        return self.keys[i]

    def _read_key(self, i: int) -> _Key | None:
        word = self.word(i)
        if word[0] in "'\"":
            start = self.spans[i][0]
            after = self.scan_quoted(start)
            if after is None or self.text[after : after + 1] != ":":
                return None
            following = self.word_after(after + 1)
            if following is None:
                return None
            raw = self.text[start:after]
            kind, name = _plain_scalar(raw)
            return _Key(str(name), raw, following) if kind != "bad" else None
        if len(word) > 1 and word.endswith(":") and word[0] not in _NOT_KEY_START:
            return _Key(word[:-1], word[:-1], i + 1)
        return None

    def shape(self, i: int) -> str:
        """What kind of node starts at word ``i``."""
        if i >= self.count:
            return "end"
        if self.key_at(i) is not None:
            return "map"
        word = self.word(i)
        if word == "-":
            return "seq"
        if word[0] in "{[":
            return "flowmap" if word[0] == "{" else "flowseq"
        if _BLOCK_INDICATOR.fullmatch(word):
            return "block"
        return "quoted" if word[0] in "'\"" else "plain"

    # ----------------------------------------------------------------- failures

    def fail(self, i: int, message: str, expected: str) -> None:
        """Remember the failure furthest into the text: that is where the page breaks."""
        if self.quiet:
            return
        offset = self.offset(i)
        best, _, expectations = self.failure
        if offset > best:
            self.failure = (offset, message, [expected])
        elif offset == best and expected not in expectations:
            expectations.append(expected)

    def error(self) -> ExtractError:
        offset, message, expected = self.failure
        return self.page.error_at(
            max(offset, 0), message or "no reading", expected=" or ".join(expected)
        )

    # ----------------------------------------------------------------- search

    def run(self) -> _State:
        root = _Map(Obj("OpenAPI"), 0, "(document)")
        start = _State(0, (root,), None, fresh=True)
        try:
            result = self.search(start, None, _LOOKAHEAD)
        except _Ambiguity as ambiguity:
            raise ambiguity.error from None
        if result is None:
            raise self.error()
        return result

    def search(self, state: _State, target: int | None, horizon: int) -> _State | None:
        """First complete reading from ``state`` (or one that placed ``target`` entries).

        Deterministic stretches run in a loop; only forks recurse. Dead ends of full
        searches are remembered, as their future does not depend on the output so far.
        """
        chain: list[_Memo] = []
        while True:
            self.steps += 1
            if self.steps > _MAX_STEPS:
                raise _Ambiguity(
                    self.page.error_at(
                        self.offset(state.pos),
                        "ambiguous: too many possible readings to decide",
                        expected="a page whose structure the OpenAPI grammar can decide",
                    )
                )
            if state.done or (target is not None and state.placed >= target):
                return state
            memo = (state.pos, state.stack, state.fresh)
            if target is None:
                if memo in self.dead:
                    break
                chain.append(memo)
            choice = self.step(state, horizon)
            if len(choice.groups) == 1 and len(choice.groups[0]) == 1:
                state = choice.groups[0][0]
                continue
            result = self.fork(state, choice, target, horizon) if choice.groups else None
            if result is not None:
                return result
            break
        self.dead.update(chain)
        return None

    def fork(
        self, state: _State, choice: _Choice, target: int | None, horizon: int
    ) -> _State | None:
        """Try each reading; for rival readings, a second complete one is an ambiguity."""
        self.forks += 1
        if self.forks > _MAX_FORK_DEPTH:
            raise _Ambiguity(
                self.page.error_at(
                    self.offset(state.pos),
                    "ambiguous: too many undecided places before this one",
                    expected="a page whose structure the OpenAPI grammar can decide",
                )
            )
        try:
            for index, group in enumerate(choice.groups):
                result = self.first(group, target, horizon)
                if result is None:
                    continue
                if choice.rival and target is None:
                    for other in range(index + 1, len(choice.groups)):
                        if self.first(choice.groups[other], None, horizon) is not None:
                            raise self.ambiguity(state, choice.labels[index], choice.labels[other])
                return result
            return None
        finally:
            self.forks -= 1

    def first(self, group: list[_State], target: int | None, horizon: int) -> _State | None:
        """The first reading in ``group`` that completes."""
        for option in group:
            result = self.search(option, target, horizon)
            if result is not None:
                return result
        return None

    def ambiguity(self, state: _State, first: str, second: str) -> _Ambiguity:
        key = self.key_at(state.pos)
        what = f"key {key.raw!r}" if key else "list item '-'"
        return _Ambiguity(
            self.page.error_at(
                self.offset(state.pos),
                f"ambiguous: the {what} reads both as part of {first} and of {second}",
                expected="text whose structure the OpenAPI grammar can decide",
            )
        )

    def viable(self, state: _State, horizon: int) -> bool:
        """Whether ``state`` survives ``horizon`` + 1 more placements (lookahead)."""
        self.quiet += 1
        try:
            if horizon < 0:
                return self.placeable(state)
            return self.search(state, state.placed + horizon + 1, horizon - 1) is not None
        finally:
            self.quiet -= 1

    def placeable(self, state: _State) -> bool:
        """Shallow check: the next token has a place (a frame takes it, shape fits)."""
        if state.pos >= self.count:
            return self.close_all(state) is not None
        key = self.key_at(state.pos)
        if key is None and self.word(state.pos) != "-":
            return False
        return bool(self.candidates(state, key))

    # ----------------------------------------------------------------- steps

    def step(self, state: _State, horizon: int) -> _Choice:
        """The readings of the next token: placing a key or an item, or the end."""
        if state.pos >= self.count:
            closed = self.close_all(state)
            return _Choice([[closed]] if closed else [], ["end"], rival=False)
        key = self.key_at(state.pos)
        if key is None and self.word(state.pos) != "-":
            self.fail(
                state.pos,
                f"unexpected text {self.word(state.pos)!r}",
                "a key ('name:') or a list item ('- ')",
            )
            return _Choice([], [], rival=False)
        return self.place(state, key, horizon)

    def candidates(self, state: _State, key: _Key | None) -> list[tuple[tuple[_Frame, ...], Kind]]:
        """Open containers (innermost first) that may take the token, each with the
        stack after closing the ones inside it and the kind of value it expects."""
        found: list[tuple[tuple[_Frame, ...], Kind]] = []
        value_shape = self.shape(key.next if key else state.pos + 1)
        stack: tuple[_Frame, ...] | None = state.stack
        while stack:
            top = stack[-1]
            kind: Kind | None = None
            if key is None and isinstance(top, _Seq):
                kind = top.item
            elif key is not None and isinstance(top, _Map):
                kind = _accepts(top, key.name)
            if kind is not None and kind_for_shape(kind, value_shape) is not None:
                found.append((stack, kind))
            if state.fresh:
                break  # a container just opened takes its first entry itself
            stack = self.pop(stack, state.pos)
        if not found:
            what = f"the key {key.raw!r}" if key else "a list item here"
            expected = " or ".join(_describe(frame) for frame in reversed(state.stack[-3:]))
            self.fail(state.pos, f"the OpenAPI grammar has no place for {what}", expected)
        return found

    def pop(self, stack: tuple[_Frame, ...], pos: int) -> tuple[_Frame, ...] | None:
        """Close the innermost container, folding what a schema needs to know into it."""
        top, rest = stack[-1], stack[:-1]
        problem = _closing_problem(top)
        if problem:
            self.fail(pos, problem, "the fields that object requires")
            return None
        if rest and isinstance(rest[-1], _Map) and isinstance(rest[-1].kind, SchemaKind):
            parent = rest[-1]
            if isinstance(top, _Seq) and top.field == "type":
                parent = replace(parent, types=top.values)
            elif isinstance(top, _Seq) and top.field == "required":
                parent = replace(parent, required=top.values)
            elif isinstance(top, _Map) and top.field == "properties":
                parent = replace(parent, props=top.keys)
            rest = (*rest[:-1], parent)
        return rest

    def close_all(self, state: _State) -> _State | None:
        stack: tuple[_Frame, ...] | None = state.stack
        while stack:
            stack = self.pop(stack, state.pos)
        return None if stack is None else replace(state, stack=(), done=True)

    def place(self, state: _State, key: _Key | None, horizon: int) -> _Choice:
        """Place a key or item in each container that may take it, then read its value."""
        groups: list[list[_State]] = []
        labels: list[str] = []
        depths: list[int] = []
        for stack, kind in self.candidates(state, key):
            group = self.enter(state, stack, key, kind, horizon)
            if group:
                groups.append(group)
                labels.append(_label(stack[-1]))
                depths.append(len(stack))
        if len(groups) > 1 and horizon >= 0:
            keep = [i for i, g in enumerate(groups) if any(self.viable(s, horizon) for s in g)]
            if keep:
                groups, labels = [groups[i] for i in keep], [labels[i] for i in keep]
                depths = [depths[i] for i in keep]
        # A field the document root can hold, met where an Operation or Path Item could
        # hold it too (`servers`, `security`, `externalDocs`), is read as the document's
        # own: an override is written only where it differs, so the reading with fewer
        # overrides comes first; the others are still tried if it fails later.
        frames = [g[0].stack[depth - 1] for g, depth in zip(groups, depths, strict=True)]
        fields_only = all(isinstance(f, _Map) and isinstance(f.kind, Obj) for f in frames)
        if len(groups) > 1 and fields_only and 1 in depths:
            return _Choice([[s for g in groups[::-1] for s in g]], labels[::-1], rival=False)
        return _Choice(groups, labels, rival=True)

    def enter(
        self,
        state: _State,
        stack: tuple[_Frame, ...],
        key: _Key | None,
        kind: Kind,
        horizon: int,
    ) -> list[_State]:
        """Write the key (or the dash) and read the value that follows it."""
        top = stack[-1]
        lead = state.prefix if state.prefix is not None and state.fresh else " " * top.indent
        if key is None:
            head, pos, field, inline = lead + "-", state.pos + 1, "-", True
        else:
            assert isinstance(top, _Map)
            stack = (*stack[:-1], replace(top, keys=(*top.keys, key.name)))
            head, pos, field, inline = lead + key.raw + ":", key.next, key.name, False
        shape = self.shape(pos)
        value_kind = kind_for_shape(kind, shape)
        assert value_kind is not None
        moved = replace(state, stack=stack, prefix=None, fresh=False, placed=state.placed + 1)
        child_indent = top.indent + 2
        if shape in ("map", "seq"):
            new: _Frame
            if shape == "map":
                new = _Map(value_kind, child_indent, field)
            else:
                item = value_kind.item if isinstance(value_kind, ListOf) else ANY
                new = _Seq(item, child_indent, field)
            lines = moved.lines if inline else _Line(head, moved.lines)
            prefix = head + " " if inline else None
            return [
                replace(moved, pos=pos, stack=(*stack, new), lines=lines, prefix=prefix, fresh=True)
            ]
        if shape in ("flowmap", "flowseq", "quoted"):
            inline_state = self.inline_value(moved, value_kind, head, pos, shape)
            return [inline_state] if inline_state else []
        block = shape == "block"
        text = _Text(value_kind, head, pos, block, child_indent)
        return self.text_value(moved, text, pos + 1 if block else pos, horizon)

    def inline_value(
        self, state: _State, kind: Kind, head: str, pos: int, shape: str
    ) -> _State | None:
        """A quoted scalar or a flow collection: it ends where its brackets or quotes do."""
        start = self.spans[pos][0]
        after = self.scan_quoted(start) if shape == "quoted" else self.scan_flow(start)
        following = self.word_after(after)
        if after is None or following is None:
            self.fail(pos, f"unterminated {shape} value", "a closing quote or bracket")
            return None
        raw = self.text[start:after]
        if shape == "quoted":
            yaml_type, value = _plain_scalar(raw)
            if not scalar_fits(kind, yaml_type):
                self.fail(pos, f"{raw!r} is not {kind_title(kind)}", kind_title(kind))
                return None
            state = self.record(state, value)
        lines = _Line(f"{head} {raw}", state.lines)
        return replace(state, pos=following, lines=lines)

    def text_value(self, state: _State, text: _Text, k: int, horizon: int) -> list[_State]:
        """Readings of a plain or block scalar, read on from word ``k``.

        It runs until the next key valid where it stands. A plain scalar cannot hold
        ``word: `` at all, so the first key-like word ends it. A block scalar ends at
        the first key (or list dash) that places and survives the lookahead. A key that cannot
        place is text, unless a list or a mapping follows it: no description writes
        that, and reading it as text would swallow YAML structure.
        """
        while k < self.count:
            key = self.key_at(k)
            if key is not None or self.word(k) == "-":
                ended = self.end_text(state, text, k)
                if key is not None and not text.block:
                    return [ended] if ended else []
                # No running on past a key that survives the lookahead: backtracking
                # into scalars lets a rival reading swallow any later structure, and
                # the search then explodes instead of failing.
                if ended is not None and self.viable(ended, horizon):
                    return [ended]
                if text.block and key is not None and self.shape(key.next) in ("map", "seq"):
                    self.fail(
                        k,
                        f"the key {key.raw!r} has no place here and cannot be text",
                        " or ".join(_describe(frame) for frame in reversed(state.stack[-3:])),
                    )
                    return []
            k += 1
        ended = self.end_text(state, text, k)
        return [ended] if ended else []

    def end_text(self, state: _State, text: _Text, stop: int) -> _State | None:
        """The state after the scalar ``text`` ending before word ``stop``."""
        kind, head, pos, block = text.kind, text.head, text.pos, text.block
        first = pos + 1 if block else pos
        raw = self.raw(first, stop)
        if block:
            if not scalar_fits(kind, "str"):
                self.fail(pos, "a text block where it cannot stand", kind_title(kind))
                return None
            lines = _Line(f"{head} {self.word(pos)}", state.lines)
            if raw:  # content one level deeper than the key or dash that owns it
                lines = _Line(" " * text.indent + raw, lines)
            return replace(self.record(state, raw), pos=stop, lines=lines)
        yaml_type, value = _plain_scalar(raw)
        if not scalar_fits(kind, yaml_type):
            self.fail(pos, f"{raw!r} is not {kind_title(kind)}", kind_title(kind))
            return None
        lines = _Line(f"{head} {raw}", state.lines)
        return replace(self.record(state, value), pos=stop, lines=lines)

    def record(self, state: _State, value: str) -> _State:
        """Note a scalar a schema needs: its ``type``, or an item of ``type``/``required``."""
        top = state.stack[-1]
        if isinstance(top, _Seq):
            return replace(
                state, stack=(*state.stack[:-1], replace(top, values=(*top.values, value)))
            )
        if isinstance(top.kind, SchemaKind) and top.keys[-1] == "type":
            return replace(state, stack=(*state.stack[:-1], replace(top, types=(value,))))
        return state


def _render(lines: _Line | None) -> str:
    collected: list[str] = []
    while lines is not None:
        collected.append(lines.text)
        lines = lines.previous
    return "\n".join(reversed(collected)) + "\n"


def restore_block(page: Page, start: int, end: int) -> str:
    """The YAML text of ``page.text[start:end]`` (one flattened block) with its newlines
    and indentation restored; ``ExtractError`` if it is empty, ambiguous or unreadable."""
    parser = _Parser(page, start, end)
    if parser.count == 0:
        raise page.error_at(end, "the ```yaml block is empty", expected="an OpenAPI document")
    return _render(parser.run().lines)


__all__ = ["restore_block"]
