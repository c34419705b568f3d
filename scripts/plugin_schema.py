"""The provider plugin's Pulumi package schema, generated from the resource models (build time only:
the running plugin serves the file this writes).

Every catalog type becomes `mlplatforms:<platform>:<Resource>` with its Args as inputs and its Args
and Outputs as properties: descriptions from the fields, `secret` from ``Secret``,
`replaceOnChanges` from ``ForceNew``, required inputs from the fields without a default. The
provider's inputs (and the default provider's `mlplatforms:` config) are the platforms' settings,
one per stack-config key the clients read. `python scripts/gen_plugin.py` writes it to
`providers/plugin/schema.json` (served by GetSchema) and regenerates the Python SDK from it; a test
fails when either is stale.
"""

from __future__ import annotations

import importlib
import json
import sys
import types
import typing
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from providers.catalog import RESOURCES, ResourceEntry  # noqa: E402
from providers.core.config import Credential, Setting  # noqa: E402
from providers.core.fields import FieldSpec, ForceNew, Secret, ServerDefault, describe_default, has_marker  # noqa: E402
from providers.core.schema import Model  # noqa: E402
from providers.plugin.imports import import_id_text, syntax_of  # noqa: E402
from providers.plugin.names import CORE_NAMESPACE, PACKAGE, VERSION, camel, config_property, type_token  # noqa: E402

PLATFORMS = {
    "peak": "Peak",
    "abeja": "ABEJA Platform",
    "dataiku": "Dataiku DSS",
    "appconfig": "AWS AppConfig",
}
CONCURRENCY_DOC = (
    "How many create, read, update and delete calls this provider runs at once (default 64; "
    "`MLP_MAX_CONCURRENCY` in the environment)."
)


# ---- types ---------------------------------------------------------------------------------------


def property_type(annotation: Any, platform: str, nested: dict[str, type[Model]]) -> dict[str, Any]:
    """A schema type for a model annotation; nested models are collected into ``nested``."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return property_type(args[0], platform, nested)
    if origin in (typing.Union, types.UnionType):
        members = [a for a in args if a is not type(None)]
        if len(members) == 1:
            return property_type(members[0], platform, nested)
        return {"oneOf": [property_type(member, platform, nested) for member in members]}
    if origin is typing.Literal:
        kinds = {type(choice) for choice in args}
        return property_type(kinds.pop() if len(kinds) == 1 else Any, platform, nested)
    if annotation is Any:
        return {"$ref": "pulumi.json#/Any"}
    if annotation is str:
        return {"type": "string"}
    if annotation is bool:
        return {"type": "boolean"}
    if annotation is int:
        return {"type": "integer"}
    if annotation is float:
        return {"type": "number"}
    if origin is dict or annotation is dict:
        value = args[1] if args else Any
        return {"type": "object", "additionalProperties": property_type(value, platform, nested)}
    if origin is list or annotation is list:
        item = args[0] if args else Any
        return {"type": "array", "items": property_type(item, platform, nested)}
    if isinstance(annotation, type) and issubclass(annotation, Model):
        token = type_token(platform, annotation.__name__)
        nested[token] = annotation
        return {"$ref": f"#/types/{token}"}
    raise TypeError(f"no schema type for {annotation!r}")


def describe(field: FieldSpec) -> str:
    """The field's description, with its default where the description does not say it."""
    text = field.description or ""
    if field.required or has_marker(field, ServerDefault):
        return text
    default = describe_default(field)
    if default is None or default == {} or default == []:
        return text
    return f"{text} Default: `{json.dumps(default)}`."


def field_property(field: FieldSpec, platform: str, nested: dict[str, type[Model]], output: bool) -> dict[str, Any]:
    spec = {**property_type(field.annotation, platform, nested), "description": describe(field)}
    if has_marker(field, Secret):
        spec["secret"] = True
    if has_marker(field, ForceNew) and not output:
        spec["replaceOnChanges"] = True
    return spec


def object_type(model: type[Model], platform: str, nested: dict[str, type[Model]]) -> dict[str, Any]:
    properties = {}
    for name, field in model.field_specs().items():
        if camel(name) != name:
            # Map values are passed through untranslated; a nested field would need a translation.
            raise TypeError(f"{model.__name__}.{name}: nested model fields must be single words")
        properties[name] = field_property(field, platform, nested, output=False)
    required = [name for name, field in model.field_specs().items() if field.required]
    spec: dict[str, Any] = {"type": "object", "description": (model.__doc__ or "").strip(), "properties": properties}
    if required:
        spec["required"] = required
    return spec


# ---- resources -----------------------------------------------------------------------------------


def resource_description(entry: ResourceEntry, resource: Any, provider: Any) -> str:
    lines = [(resource.__doc__ or "").strip(), "", (entry.load().__doc__ or "").strip(), ""]
    lines += [
        f"The same type as the dynamic `{entry.type_token}` (`providers.{entry.platform}.{entry.resource}`), "
        "run by the `mlplatforms` provider plugin: same inputs, outputs and behaviour.",
        "",
    ]
    prefix = syntax_of(entry.platform, entry.resource).prefix
    token = type_token(entry.platform, entry.resource)
    lines += [
        "## Import",
        "",
        f"An existing {provider().what} is imported by its id"
        + (f", written after its {' and '.join(f'`{camel(name)}`' for name in prefix)}" if prefix else "")
        + ":",
        "",
        "```sh",
        f"$ pulumi import {token} <name> {import_id_text(entry.platform, entry.resource)}",
        "```",
    ]
    return "\n".join(lines).strip()


def resource_spec(entry: ResourceEntry, nested: dict[str, type[Model]]) -> dict[str, Any]:
    module = entry.load()
    resource = getattr(module, entry.resource)
    provider = resource.provider_type
    args, outputs = provider.args_model, provider.outputs_model
    inputs = {camel(n): field_property(f, entry.platform, nested, False) for n, f in args.field_specs().items()}
    properties = {camel(n): field_property(f, entry.platform, nested, True) for n, f in args.field_specs().items()}
    properties.update(
        {camel(n): field_property(f, entry.platform, nested, True) for n, f in outputs.field_specs().items()}
    )
    required_inputs = [camel(n) for n, f in args.field_specs().items() if f.required]
    # Inputs that are required or have a default are always in state; the rest may be absent.
    always = [camel(n) for n, f in args.field_specs().items() if f.required or describe_default(f) is not None]
    return {
        "description": resource_description(entry, resource, provider),
        "properties": properties,
        "required": always,
        "inputProperties": inputs,
        "requiredInputs": required_inputs,
    }


# ---- configuration -------------------------------------------------------------------------------


def client_settings(entries: tuple[ResourceEntry, ...] = RESOURCES) -> list[tuple[str, Setting]]:
    """(platform, setting) for every ``Setting`` a client declares, in the order it declares them."""
    declared: list[tuple[str, Setting]] = []
    for platform in sorted({entry.platform for entry in entries}, key=list(PLATFORMS).index):
        client = importlib.import_module(f"providers.{platform}.client")
        for setting in vars(client).values():
            if isinstance(setting, Setting):
                if not setting.description:
                    raise KeyError(f"{setting.key}: no description (providers.{platform}.client)")
                declared.append((platform, setting))
    return declared


def config_keys(entries: tuple[ResourceEntry, ...] = RESOURCES) -> list[tuple[str, str, tuple[str, ...], str]]:
    """(platform, stack-config key, environment fallback, meaning) for every key a client reads."""
    return [(platform, *setting) for platform, setting in client_settings(entries)]


# Stack-config keys that hold credentials: secret in the schema.
SECRET_CONFIG = frozenset(setting.key for _, setting in client_settings() if isinstance(setting, Credential))


def config_properties(entries: tuple[ResourceEntry, ...] = RESOURCES) -> dict[str, dict[str, Any]]:
    properties: dict[str, dict[str, Any]] = {}
    for platform, key, env, meaning in config_keys(entries):
        fallback = f" Environment fallback: {', '.join(f'`{e}`' for e in env)}." if env else ""
        text = (
            f"{PLATFORMS[platform]}: {meaning}{fallback} The default provider also reads the dynamic types' "
            f"stack config `{key}`."
        )
        spec: dict[str, Any] = {"type": "string", "description": text}
        if key in SECRET_CONFIG:
            spec["secret"] = True
        properties[config_property(key)] = spec
    properties[config_property(f"{CORE_NAMESPACE}:maxConcurrency")] = {
        "type": "integer",
        "description": CONCURRENCY_DOC,
    }
    return properties


# ---- the package ---------------------------------------------------------------------------------


def package_schema(entries: tuple[ResourceEntry, ...] = RESOURCES) -> dict[str, Any]:
    nested: dict[str, type[Model]] = {}
    resources = {type_token(e.platform, e.resource): resource_spec(e, nested) for e in entries}
    types_: dict[str, Any] = {}
    while len(types_) < len(nested):
        for token, model in sorted(nested.items()):
            if token not in types_:
                platform = token.split(":")[1]
                types_[token] = object_type(model, platform, nested)
    config = config_properties(entries)
    return {
        "name": PACKAGE,
        "displayName": "ML platforms",
        "version": VERSION,
        "description": "Peak, Dataiku DSS, ABEJA Platform and AWS AppConfig resources: the pulumi-ml-platforms "
        "types as a provider plugin (import, customTimeouts, a provider per tenant, any language).",
        "keywords": ["pulumi", "peak", "dataiku", "abeja", "appconfig", "category/utility", "kind/native"],
        "license": "Apache-2.0",
        "config": {"variables": config},
        "provider": {
            "description": "One configuration of the platforms (endpoints and credentials). Make one explicit "
            "provider per tenant or instance; the default provider reads the stack's `mlplatforms:` config, "
            "then the dynamic types' keys (`peak:apiKey`, ...).",
            "inputProperties": config,
        },
        "resources": resources,
        "types": dict(sorted(types_.items())),
        "language": {
            "python": {
                "packageName": "pulumi_mlplatforms",
                "respectSchemaVersion": True,
                "pyproject": {"enabled": True},
                "requires": {"pulumi": ">=3.259.0,<4.0.0"},
                "readme": "The pulumi-ml-platforms resource types through the `mlplatforms` provider plugin "
                "(generated by scripts/gen_plugin.py from the plugin's schema; do not edit by hand).",
            }
        },
    }


def schema_text(entries: tuple[ResourceEntry, ...] = RESOURCES) -> str:
    return json.dumps(package_schema(entries), indent=2, sort_keys=False) + "\n"
