"""DESIGN.md's conventions, held for every resource type in the catalog."""

from __future__ import annotations

import base64
import inspect
import json
import re
import subprocess
import sys
from pathlib import Path

import dill
import pytest

from providers.core import OutputsModel, PlatformProvider, PlatformResource, ResourceArgs
from tests.samples import RESOURCES

ROOT = Path(__file__).resolve().parents[2]
ENTRIES = pytest.mark.parametrize("entry", RESOURCES, ids=lambda e: f"{e.platform}.{e.resource}")


@ENTRIES
def test_four_classes_with_conventional_names(entry):
    module = entry.load()
    name = entry.resource
    assert issubclass(getattr(module, f"{name}Args"), ResourceArgs)
    assert issubclass(getattr(module, f"{name}Outputs"), OutputsModel)
    assert issubclass(getattr(module, f"{name}Provider"), PlatformProvider)
    resource = getattr(module, name)
    assert issubclass(resource, PlatformResource)
    assert resource._resource_type_name == f"dynamic/{entry.platform}:{name}"
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
    assert module.__name__ == f"providers.{entry.platform}.{snake}"


@ENTRIES
def test_every_field_is_described_and_typed_on_the_resource(entry):
    module = entry.load()
    resource = getattr(module, entry.resource)
    annotations = inspect.get_annotations(resource)
    for model in (resource.args_type, resource.outputs_type):
        for field_name, field in model.field_specs().items():
            assert field.description, f"{model.__name__}.{field_name} has no description"
            assert field_name in annotations, f"{entry.resource}.{field_name} is not typed as an output"
    assert not set(resource.args_type.field_specs()) & set(resource.outputs_type.field_specs())


def test_programs_reading_outputs_get_typed_attributes_from_the_stub(tmp_path):
    """The typed attributes come from providers/generated/attributes.pyi: a program's type checker sees
    each output as the Output of its field's type, and flags a misuse."""
    program = tmp_path / "program.py"
    program.write_text(
        "import pulumi\n"
        "from providers.peak import Service\n"
        'service = Service("s", name="x", service_type="api", image_id=1)\n'
        "image: pulumi.Output[int] = service.image_id\n"
        "status: pulumi.Output[int] = service.status\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", "--ignore-missing-imports", str(program)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 1 and "program.py:5:" in errors[0] and "Output[str | None]" in errors[0], result.stdout


@ENTRIES
def test_provider_pickles_by_reference_and_carries_nothing(entry):
    provider = getattr(entry.load(), f"{entry.resource}Provider")()
    assert provider.__dict__ == {}
    pickled = base64.b64encode(dill.dumps(provider, recurse=True))
    assert len(pickled) < 200
    assert entry.module.encode() in base64.b64decode(pickled)


@ENTRIES
def test_docs_example_and_tests_exist(entry):
    assert (ROOT / "docs" / entry.platform / f"{entry.resource}.md").exists()
    assert (ROOT / "examples" / entry.example / "Pulumi.yaml").exists()
    stem = f"{entry.platform}_{entry.resource.lower()}"
    assert (ROOT / "tests" / "providers" / f"test_{stem}.py").exists()
    assert list((ROOT / "tests" / "engine").glob(f"test_{stem}*.py"))
    assert (ROOT / "providers" / "sandbox" / entry.platform / "urls.py").exists()


def test_docs_are_current():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_docs.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


@ENTRIES
def test_docs_state_every_rule_check_enforces(entry):
    page = (ROOT / "docs" / entry.platform / f"{entry.resource}.md").read_text()
    rows = {line.split("|")[1].strip(" `"): line for line in page.splitlines() if line.startswith("| `")}
    symbols = {"gt": ">", "ge": ">=", "lt": "<", "le": "<="}
    for name, spec in getattr(entry.load(), entry.resource).args_type.field_specs().items():
        for rule, value in spec.constraints().items():
            if rule == "pattern":
                shown = str(value).replace("|", "\\|")
            elif rule in symbols:
                shown = f"{symbols[rule]} {int(value) if float(value).is_integer() else value}"
            else:
                shown = f"{value} long"
            assert shown in rows[name], f"{entry.resource}.{name}: {rule} not in the docs"


@pytest.mark.parametrize("platform", sorted({e.platform for e in RESOURCES}))
def test_client_methods_follow_the_naming(platform):
    client_module = __import__(f"providers.{platform}.client", fromlist=["*"])
    clients = [
        c
        for _, c in inspect.getmembers(client_module, inspect.isclass)
        if c.__module__ == client_module.__name__ and c.__name__.endswith("Client")
    ]
    assert clients
    pattern = re.compile(r"^(create|get|update|delete|iter|test|from)_[a-z_]+$")
    for client in clients:
        for name, _ in inspect.getmembers(client, inspect.isfunction):
            if not name.startswith("_"):
                assert pattern.match(name), (
                    f"{client.__name__}.{name} breaks the create_/get_/update_/delete_/iter_ naming"
                )


def test_runtime_code_never_imports_the_sandbox():
    for path in (ROOT / "providers").rglob("*.py"):
        if "sandbox" in path.parts:
            continue
        assert "providers.sandbox" not in path.read_text() and "from ..sandbox" not in path.read_text(), path


def test_programs_passing_outputs_into_args_type_check(tmp_path):
    """As with pulumi-aws's Args, every field takes another resource's Output, for type checkers too."""
    config = tmp_path / "mypy.ini"
    config.write_text("[mypy]\nignore_missing_imports = True\nwarn_unused_configs = False\n")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            str(config),
            "--no-incremental",
            str(ROOT / "examples" / "composed" / "__main__.py"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@ENTRIES
def test_programs_and_previews_load_neither_the_http_stack_nor_a_validation_library(entry):
    # Every module a preview loads is paid twice per `pulumi preview` (program and provider
    # process): check and diff must run on the standard library and the Pulumi SDK alone.
    code = f"""
import sys, json
from {entry.module} import {entry.resource}Provider as P
inputs = json.loads(sys.argv[1])
checked = P().check({{}}, inputs)
assert not checked.failures, checked.failures
P().diff("id", dict(checked.inputs), dict(checked.inputs))
heavy = ("requests", "pydantic", "providers.core.transport", "providers.{entry.platform}.models")
print(sorted(m for m in heavy if m in sys.modules))
"""
    result = subprocess.run(
        [sys.executable, "-c", code, json.dumps(entry.inputs(1))], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@ENTRIES
def test_catalog_samples_are_valid_and_their_changes_mean_what_they_say(entry):
    from providers.core.fields import ForceNew, has_marker

    provider = getattr(entry.load(), f"{entry.resource}Provider")()
    fields = provider.args_model.field_specs()
    assert entry.sample and entry.in_place and entry.replacing
    for changes in ((), (entry.in_place,), (entry.replacing,)):
        assert provider.check({}, entry.inputs(3, *changes)).failures == []
    assert not any(has_marker(fields[name], ForceNew) for name in entry.in_place)
    assert all(has_marker(fields[name], ForceNew) for name in entry.replacing)


def test_the_environment_bootstrap_writes_sources_cleanly():
    """`.work/env.sh` is what the README tells users to source after the demo: it must run without a
    complaint and point at the project's tools (a stray backtick in its heredoc once ran a command into it)."""
    env_file = ROOT / ".work" / "env.sh"
    if not env_file.exists():
        subprocess.run(["bash", str(ROOT / "scripts" / "bootstrap.sh")], check=True, capture_output=True, cwd=ROOT)
    result = subprocess.run(
        ["bash", "-c", f'set -eu; source "{env_file}"; echo "$VIRTUAL_ENV"; type -P pulumi'],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0 and result.stderr == "", result.stderr
    venv, pulumi = result.stdout.split()
    assert venv == str(ROOT / ".venv") and pulumi.endswith("/pulumi")
