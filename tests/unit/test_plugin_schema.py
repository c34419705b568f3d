"""The provider plugin's schema and its generated Python SDK: current with the models, one type per
catalog entry with every field (names, secrets, replacements), the dynamic types' names in Python,
an import syntax and a config property per setting the clients read."""

from __future__ import annotations

import importlib
import inspect
import json
import subprocess
import sys
from pathlib import Path

import pytest

from providers.catalog import RESOURCES
from providers.core.fields import ForceNew, Secret, has_marker
from providers.plugin.imports import IMPORT_IDS
from providers.plugin.names import SCHEMA_PATH, camel, config_property, snake, type_token

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from plugin_schema import config_keys  # noqa: E402

ENTRIES = pytest.mark.parametrize("entry", RESOURCES, ids=lambda e: f"{e.platform}.{e.resource}")
SCHEMA = json.loads(SCHEMA_PATH.read_text())


@pytest.mark.timeout(900)  # a cold machine builds the generator (Pulumi's pkg/v3) first
def test_schema_and_sdk_are_current():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_plugin.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def models(entry):
    resource = getattr(entry.load(), entry.resource)
    return resource.args_type, resource.outputs_type


@ENTRIES
def test_every_field_is_in_the_schema_as_declared(entry):
    args, outputs = models(entry)
    spec = SCHEMA["resources"][type_token(entry.platform, entry.resource)]
    assert set(spec["inputProperties"]) == {camel(name) for name in args.field_specs()}
    assert set(spec["properties"]) == {camel(name) for model in (args, outputs) for name in model.field_specs()}
    for name, field in args.field_specs().items():
        wire = spec["inputProperties"][camel(name)]
        assert wire["description"].startswith(field.description), name
        assert wire.get("secret", False) == has_marker(field, Secret), name
        assert wire.get("replaceOnChanges", False) == has_marker(field, ForceNew), name
        assert (camel(name) in spec["requiredInputs"]) == field.required, name
    for name, field in outputs.field_specs().items():
        assert spec["properties"][camel(name)].get("secret", False) == has_marker(field, Secret), name


def test_the_schema_holds_the_catalog_and_nothing_else():
    assert set(SCHEMA["resources"]) == {type_token(e.platform, e.resource) for e in RESOURCES}


@ENTRIES
def test_the_sdk_takes_the_dynamic_types_names(entry):
    args, outputs = models(entry)
    module = importlib.import_module(f"pulumi_mlplatforms.{entry.platform}")
    resource = getattr(module, entry.resource)
    parameters = inspect.signature(resource._internal_init).parameters
    assert {name for name in parameters if name not in ("__self__", "__props__", "resource_name", "opts")} == set(
        args.field_specs()
    )
    for name in (*args.field_specs(), *outputs.field_specs()):
        assert isinstance(inspect.getattr_static(resource, name), property), name


@ENTRIES
def test_every_type_has_an_import_syntax_over_its_inputs(entry):
    args, _ = models(entry)
    syntax = IMPORT_IDS[f"{entry.platform}:{entry.resource}"]
    assert set(syntax.prefix) <= set(args.field_specs())


def test_names_round_trip_for_every_field():
    for entry in RESOURCES:
        for model in models(entry):
            for name in model.field_specs():
                assert snake(camel(name)) == name, f"{entry.resource}.{name}"


def test_every_setting_a_client_reads_is_a_provider_property():
    properties = SCHEMA["provider"]["inputProperties"]
    for _platform, key, _env, _meaning in config_keys():
        assert config_property(key) in properties, key
        assert SCHEMA["config"]["variables"][config_property(key)] == properties[config_property(key)]
    secret = {name for name, spec in properties.items() if spec.get("secret")}
    assert {"peakApiKey", "abejaApiToken", "dataikuApiKey", "awsAccessKey", "awsSecretKey"} <= secret
