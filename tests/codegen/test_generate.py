"""`confgen generate`: golden output, --check, atomic failure, bad input, laziness, mypy."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from confgen.cli import main
from confgen.codegen.generate import Target, generate_packages, targets_from_manifest
from confgen.codegen.http.load import load_api
from confgen.errors import ConfgenError
from confgen.manifest import DEFAULT_MANIFEST, load_manifest

ROOT = Path(__file__).resolve().parents[2]
HTTP_PROVIDERS = [
    target
    for target in targets_from_manifest(load_manifest(ROOT / DEFAULT_MANIFEST))
    # The HTTP packages (OpenAPI specs); the WebSocket ones have their own golden tests.
    if target.spec.exists() and ".openapi." in target.spec.name
]


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_generating_from_committed_specs_reproduces_committed_packages(tmp_path: Path) -> None:
    assert HTTP_PROVIDERS, "no OpenAPI spec in the manifest exists"
    rebased = [
        Target(
            spec=t.spec,
            out=tmp_path / t.package,
            package=t.package,
            client_class=t.client_class,
            spec_source=t.spec_source,
            import_path=t.import_path,
            title=t.title,
            distribution=t.distribution,
        )
        for t in HTTP_PROVIDERS
    ]
    result = generate_packages(rebased)
    assert sorted(result.written) == sorted(t.out for t in rebased)
    for committed, fresh in zip(HTTP_PROVIDERS, rebased, strict=True):
        assert _tree(fresh.out) == _tree(committed.out), f"{committed.out} is stale"
    # Nothing changed, nothing rewritten: a second run is a no-op.
    assert generate_packages(rebased).written == []


def test_check_passes_on_committed_output(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    args = ["generate", "--check"] + [f"--provider={t.package}" for t in HTTP_PROVIDERS]
    assert main(args) == 0, capsys.readouterr().err


SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Widgets", "version": "1"},
    "servers": [{"url": "https://api.example.com/v1"}],
    "security": [{"key": []}],
    "paths": {
        "/widgets/{widget_id}": {
            "post": {
                "operationId": "updateWidget",
                "tags": ["Widgets"],
                "parameters": [
                    {
                        "name": "widget_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                    {"name": "from", "in": "query", "schema": {"type": "string", "maxLength": 5}},
                    {"name": "timeout", "in": "query", "schema": {"type": "integer"}},
                    {"name": "X-Trace", "in": "header", "schema": {"type": "string"}},
                    {"name": "Authorization", "in": "header", "schema": {"type": "string"}},
                ],
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["class"],
                                "additionalProperties": False,
                                "properties": {
                                    "class": {"type": "string", "enum": ["a", "b"]},
                                    "type": {"type": "integer", "minimum": 1},
                                    "id": {"type": "string"},
                                },
                            }
                        }
                    }
                },
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Widget"}}
                        },
                    },
                    "4XX": {
                        "description": "bad",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                        },
                    },
                },
            }
        }
    },
    "components": {
        "securitySchemes": {"key": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Widget": {
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": {"type": "string"},
                    "from": {"type": "string"},
                    "kind": {"type": "string", "enum": ["round", "square"]},
                },
            },
            "Problem": {"type": "object", "properties": {"message": {"type": "string"}}},
        },
    },
}


def _write_spec(folder: Path, spec: dict[str, Any]) -> Path:
    path = folder / "widgets.json"
    path.write_text(json.dumps(spec))
    return path


@pytest.fixture(scope="module")
def widgets(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A package generated from SPEC with --spec/--out/--package, imported."""
    folder = tmp_path_factory.mktemp("widgets")
    spec = _write_spec(folder, SPEC)
    assert (
        main(
            ["generate", "--spec", str(spec), "--out", str(folder / "out"), "--package", "widgets"]
        )
        == 0
    )
    sys.path.insert(0, str(folder / "out" / "widgets"))  # the project folder
    try:
        yield importlib.import_module("widgets")
    finally:
        sys.path.remove(str(folder / "out" / "widgets"))
        for name in [m for m in sys.modules if m == "widgets" or m.startswith("widgets.")]:
            del sys.modules[name]


def test_keywords_and_reserved_names_become_escaped_arguments(widgets: Any) -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"id": "w1", "from": "x", "kind": "hexagon", "extra": 1})

    client = widgets.Widgets(
        api_key="k", http_client=httpx.Client(transport=httpx.MockTransport(answer))
    )
    widget = client.widgets.update_widget(
        widget_id="a/b", from_="abc", timeout_=5, x_trace="t", class_="a", type=2, id="i"
    )
    request = seen[0]
    assert request.url.raw_path.split(b"?")[0] == b"/v1/widgets/a%2Fb"
    assert dict(request.url.params) == {"from": "abc", "timeout": "5"}
    assert request.headers["X-Trace"] == "t"
    assert request.headers["Authorization"] == "Bearer k"
    assert json.loads(request.content) == {"class": "a", "type": 2, "id": "i"}
    assert (widget.id, widget.from_, widget.kind, widget.model_extra) == (
        "w1",
        "x",
        "hexagon",
        {"extra": 1},
    )


def test_escaped_argument_errors_name_the_wire_field(widgets: Any) -> None:
    client = widgets.Widgets(
        api_key="k",
        http_client=httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200))),
    )
    with pytest.raises(widgets.RequestValidationError, match="'from'"):
        client.widgets.update_widget(widget_id="w", from_="toolong", class_="a")


def test_4xx_error_model_decodes(widgets: Any) -> None:
    answer = httpx.Response(418, json={"message": "teapot"})
    client = widgets.Widgets(
        api_key="k", http_client=httpx.Client(transport=httpx.MockTransport(lambda r: answer))
    )
    with pytest.raises(widgets.APIStatusError) as caught:
        client.widgets.update_widget(widget_id="w", class_="a")
    assert caught.value.body.message == "teapot"


def test_missing_server_free_bearer_defaults_to_package_env(
    widgets: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WIDGETS_API_KEY", raising=False)
    with pytest.raises(widgets.MissingConfigurationError, match=r"api_key.*WIDGETS_API_KEY"):
        widgets.Widgets()


def _broken(tmp_path: Path, change: Any) -> Path:
    spec = json.loads(json.dumps(SPEC))
    change(spec)
    return _write_spec(tmp_path, spec)


def test_failed_generation_leaves_target_untouched_and_names_the_pointer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    (out / "widgets").mkdir(parents=True)
    (out / "widgets" / "keep.py").write_text("# previous output\n")

    def dangle(spec: dict[str, Any]) -> None:
        response = spec["paths"]["/widgets/{widget_id}"]["post"]["responses"]["200"]
        response["content"]["application/json"]["schema"] = {"$ref": "#/components/schemas/Nope"}

    spec = _broken(tmp_path, dangle)
    args = ["generate", "--spec", str(spec), "--out", str(out), "--package", "widgets"]
    code = main([*args, "--strict"])
    err = capsys.readouterr().err
    assert code == 1
    assert (
        "widgets.json#/paths/~1widgets~1{widget_id}/post/responses/200/content/application~1json/schema"
        in err
    )
    assert "Nope" in err and "Traceback" not in err
    assert _tree(out) == {"widgets/keep.py": b"# previous output\n"}


def test_without_strict_an_unrenderable_response_is_skipped_and_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def dangle(spec: dict[str, Any]) -> None:
        response = spec["paths"]["/widgets/{widget_id}"]["post"]["responses"]["200"]
        response["content"]["application/json"]["schema"] = {"$ref": "#/components/schemas/Nope"}

    spec = _broken(tmp_path, dangle)
    out = tmp_path / "out"
    code = main(["generate", "--spec", str(spec), "--out", str(out), "--package", "widgets"])
    err = capsys.readouterr().err
    assert code == 0
    warnings = [line for line in err.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 1
    assert "widgets.json#/paths/~1widgets~1{widget_id}/post/responses/200" in warnings[0]
    assert "1 skipped" in err and "Traceback" not in err
    assert (out / "widgets" / "widgets" / "resources").is_dir()


@pytest.mark.parametrize(
    ("change", "pointer", "words"),
    [
        (
            lambda s: s["components"]["schemas"]["Widget"]["properties"].update(
                {"weird": {"type": "tuple"}}
            ),
            "/components/schemas/Widget/properties/weird/type",
            "unsupported schema type 'tuple'",
        ),
        (
            lambda s: s["paths"]["/widgets/{widget_id}"]["post"]["parameters"].append(
                {"name": "widgetId", "in": "query", "schema": {"type": "string"}}
            ),
            "/paths/~1widgets~1{widget_id}/post",
            "both become 'widget_id'",
        ),
        (
            lambda s: s["paths"]["/widgets/{widget_id}"]["post"].update(
                {"x-confgen-retry": {"mode": "sometimes"}}
            ),
            "/paths/~1widgets~1{widget_id}/post/x-confgen-retry/mode",
            "unknown retry mode",
        ),
    ],
)
def test_bad_input_is_a_located_confgen_error(change: Any, pointer: str | None, words: str) -> None:
    spec = json.loads(json.dumps(SPEC))
    change(spec)
    with pytest.raises(ConfgenError) as caught:
        api = load_api(spec, source="widgets.json", package="widgets", client_class="Widgets")
        from confgen.codegen.http.render import render_package

        render_package(api, "widgets")
    assert caught.value.source == "widgets.json"
    if pointer is not None:
        assert caught.value.pointer == pointer
    assert words in str(caught.value)


def test_check_lists_stale_files_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = _write_spec(tmp_path, SPEC)
    out = tmp_path / "out"
    args = ["generate", "--spec", str(spec), "--out", str(out), "--package", "widgets"]
    assert main(args) == 0
    package = out / "widgets" / "widgets"  # the project folder holds the package
    (package / "models.py").write_text("# edited\n")
    (package / "extra.py").write_text("")
    (package / "py.typed").unlink()
    capsys.readouterr()
    assert main([*args, "--check"]) == 1
    err = capsys.readouterr().err
    assert "stale (changed):" in err and "models.py" in err
    assert "stale (removed):" in err and "extra.py" in err
    assert "stale (added):" in err and "py.typed" in err
    assert (package / "models.py").read_text() == "# edited\n"


def test_generation_does_not_depend_on_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = _write_spec(tmp_path, SPEC)
    trees = []
    for place in ("a", "b"):
        (tmp_path / place).mkdir()
        monkeypatch.chdir(tmp_path / place)
        assert main(["generate", "--spec", str(spec), "--out", "out", "--package", "widgets"]) == 0
        trees.append(_tree(tmp_path / place / "out"))
    assert trees[0] == trees[1]
    assert b"Generated by confgen from widgets.json" in trees[0]["widgets/widgets/_client.py"]


def test_import_loads_neither_httpx_nor_pydantic() -> None:
    code = (
        "import sys, confgen_telnyx, confgen_voximplant\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('httpx', 'pydantic', 'jwt'))\n"
        "assert not bad, bad\n"
        "from confgen_telnyx import Telnyx\n"
        "client = Telnyx(api_key='k')\n"
        "assert 'confgen_telnyx.models' not in sys.modules\n"
        "client.conferences\n"
        "assert 'confgen_telnyx.models' in sys.modules\n"
        "assert 'jwt' not in sys.modules\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_only_the_jwt_provider_gets_the_jwt_module() -> None:
    assert (ROOT / "generated/voximplant/confgen_voximplant/_runtime/jwt_auth.py").exists()
    assert not (ROOT / "generated/telnyx/confgen_telnyx/_runtime/jwt_auth.py").exists()
    assert b"import jwt" not in b"".join(
        p.read_bytes() for p in (ROOT / "generated/telnyx").rglob("*.py")
    )


def test_mypy_strict_passes_on_generated_packages() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            *(str(t.out.relative_to(ROOT)) for t in HTTP_PROVIDERS),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "MYPY_FORCE_COLOR": "0"},
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_passes_on_generated_packages() -> None:
    from ruff.__main__ import find_ruff_bin

    ruff = str(find_ruff_bin())
    folders = [str(t.out) for t in HTTP_PROVIDERS]
    for command in ([ruff, "check", *folders], [ruff, "format", "--check", *folders]):
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stdout + result.stderr
