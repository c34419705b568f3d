"""Generate docs/<platform>/<Resource>.md and providers/generated/attributes.pyi from the Args and
Outputs models (field descriptions, types) and the providers' declarations.

`python scripts/gen_docs.py` writes them; `--check` exits 1 when one is stale.
"""

from __future__ import annotations

import argparse
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
from providers.core.fields import (  # noqa: E402
    FieldSpec,
    ForceNew,
    Secret,
    ServerDefault,
    WriteOnly,
    describe_default,
    has_marker,
)
from providers.core.schema import Model, format_bound  # noqa: E402


def type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return type_name(args[0])
    if origin in (typing.Union, types.UnionType):
        return " | ".join(type_name(a) for a in args if a is not type(None))
    if origin is typing.Literal:
        return " | ".join(f"`{a}`" for a in args)
    if origin is dict:
        return f"map of {type_name(args[1])}"
    if origin is list:
        return f"list of {type_name(args[0])}"
    return {str: "string", int: "integer", float: "number", bool: "boolean"}.get(annotation, str(annotation))


def default_text(field: FieldSpec) -> str:
    if field.required:
        return "required"
    if has_marker(field, ServerDefault):
        return "platform's choice"
    value = describe_default(field)
    return "none" if value is None else f"`{json.dumps(value)}`"


def notes(field: FieldSpec) -> str:
    marks = []
    if has_marker(field, ForceNew):
        marks.append("**replaces**")
    if has_marker(field, Secret):
        marks.append("secret")
    if has_marker(field, WriteOnly):
        marks.append("not sent to the platform or not read back")
    marks.extend(constraint_notes(field))
    return ", ".join(marks)


def constraint_notes(field: FieldSpec) -> list[str]:
    """The rules check enforces, as a reader expects them (`> 0`, `<= 2`, a pattern, lengths)."""
    symbols = {"gt": ">", "ge": ">=", "lt": "<", "le": "<="}
    notes = []
    for name, value in field.constraints().items():
        if name in symbols:
            notes.append(f"`{symbols[name]} {format_bound(value)}`")
        elif name == "pattern":
            notes.append(f"matches `{value}`")
        else:
            notes.append(f"{'at least' if name == 'min_length' else 'at most'} {value} long")
    return notes


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def inputs_table(model: type[Model]) -> list[str]:
    lines = ["| input | type | default | notes | description |", "|---|---|---|---|---|"]
    for name, field in model.field_specs().items():
        lines.append(
            f"| `{name}` | {cell(type_name(field.annotation))} | {default_text(field)} | {cell(notes(field))} | "
            f"{cell(field.description or '')} |"
        )
    return lines


def outputs_table(model: type[Model]) -> list[str]:
    lines = ["| output | type | description |", "|---|---|---|"]
    for name, field in model.field_specs().items():
        lines.append(f"| `{name}` | {cell(type_name(field.annotation))} | {cell(field.description or '')} |")
    return lines


def attribute_type(annotation: Any) -> str:
    """How a program's type checker sees a field's Output: the model's type, nested models as dicts."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return attribute_type(args[0])
    if origin in (typing.Union, types.UnionType):
        return " | ".join("None" if a is type(None) else attribute_type(a) for a in args)
    if origin is typing.Literal:
        return type(args[0]).__name__
    if origin is dict:
        return f"dict[{attribute_type(args[0])}, {attribute_type(args[1])}]"
    if origin is list:
        return f"list[{attribute_type(args[0])}]"
    if isinstance(annotation, type) and issubclass(annotation, Model):
        return "dict[str, Any]"
    return "Any" if annotation is Any else annotation.__name__


def attributes_class(entry: ResourceEntry) -> str:
    return f"{entry.platform.capitalize()}{entry.resource}Attributes"


def attributes_modules() -> dict[Path, str]:
    """providers/generated/attributes.pyi: each resource's inputs and outputs as typed Outputs, for type checkers.

    A stub: at run time attributes.py hands out empty bases and the resource classes take the same names
    from the models, so the declarations cost nothing to import."""
    body: list[str] = []
    for entry in RESOURCES:
        resource = getattr(entry.load(), entry.resource)
        body += ["", f"class {attributes_class(entry)}:"]
        for model in (resource.args_type, resource.outputs_type):
            for name, field in model.field_specs().items():
                body.append(f"    {name}: pulumi.Output[{attribute_type(field.annotation)}]")
    lines = [
        '"""Typed attributes of every resource type, for programs\' type checkers.',
        "",
        "Generated by scripts/gen_docs.py from the Args and Outputs models; do not edit by hand (a test fails",
        "when it is stale). At run time attributes.py gives empty bases; the resource classes take these",
        "names from the models.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        *(["from typing import Any", ""] if any("Any" in line for line in body) else []),
        "import pulumi",
        *body,
        "",
    ]
    return {ROOT / "providers" / "generated" / "attributes.pyi": "\n".join(lines)}


def ownership_section(provider: Any, fields: dict[str, FieldSpec]) -> list[str]:
    what = provider().what
    adopt = "adopt_existing" in fields
    if provider.mark_place is not None:
        text = (
            f"A new {what} carries this resource's owner mark ({provider.mark_place}): a digest of the project, "
            "the stack, the type and the resource's name. A create that finds an object with this identity takes "
            "it over only when it carries that mark (what an interrupted run of this very resource left). One made "
            "by another stack, another resource or by hand is never taken over, rewritten or deleted"
            + (": the create fails, naming it, unless `adopt_existing=True` says to manage it." if adopt else ".")
        )
    else:
        text = (
            f"{provider.platform} has no place on a {what} for an owner mark, so a create that finds an object with "
            "this identity cannot tell this resource's own leftover from one another stack, another resource or a "
            "person made, and takes over neither: it fails, naming the object"
            + (", unless `adopt_existing=True` says to manage it" if adopt else "")
            + ". Within one create, an object that appears after a create whose answer was lost is known to be "
            f"this resource's own and is taken over. A new {what} whose create fails or times out is deleted again, "
            "so a failed create leaves nothing behind; after a `pulumi up` killed mid-create, set "
            "`adopt_existing=True` for what the error names."
        )
    return ["## Ownership", "", text, ""]


def render(entry: ResourceEntry) -> str:
    module = entry.load()
    resource = getattr(module, entry.resource)
    provider = getattr(module, f"{entry.resource}Provider")
    args, outputs = resource.args_type, resource.outputs_type
    client = importlib.import_module(f"providers.{entry.platform}.client")
    example = (ROOT / "examples" / entry.example / "__main__.py").read_text().rstrip()
    fields = args.field_specs()
    lines = [
        f"# {entry.platform}.{entry.resource}",
        "",
        "<!-- Generated by scripts/gen_docs.py from the field descriptions; do not edit by hand. -->",
        "",
        (module.__doc__ or "").strip(),
        "",
        f"- Type token: `{entry.type_token}`; through the provider plugin, `mlplatforms:{entry.platform}:"
        f"{entry.resource}` ([docs/provider-plugin.md](../provider-plugin.md))",
        f"- Import: `from providers.{entry.platform} import {entry.resource}, {args.__name__}`",
        f"- Provider class (stored in state): `{provider.__module__}.{provider.__name__}`",
        "",
        "## Example",
        "",
        f"From `examples/{entry.example}/__main__.py`, run by the engine tests:",
        "",
        "```python",
        example,
        "```",
        "",
        "## Inputs",
        "",
        "Every input also accepts another resource's Output; values are validated in `pulumi preview`",
        "(the provider's check), which names each wrong field.",
        "",
        *inputs_table(args),
        "",
        "## Outputs",
        "",
        "Every input is also an output, as the platform reports it after each create, update and refresh.",
        "State also keeps `__meta`: which optional, platform-defaulted inputs you set, so a refresh can tell",
        "drift in them from the platform's own choice.",
        "",
        *outputs_table(outputs),
        "",
    ]
    lines += ownership_section(provider, fields)
    if "adopt_existing" in fields:
        lines += [
            "## Adopting an existing object",
            "",
            "`pulumi import` cannot work for dynamic providers; adoption is an input instead. `adopt_existing`: "
            + fields["adopt_existing"].description,
            "",
        ]
    if "timeout_seconds" in fields:
        default = describe_default(fields["timeout_seconds"])
        after_timeout = (
            "A create that times out keeps the object, marked as this resource's; the next `pulumi up` takes it "
            "over and resumes waiting."
            if provider.mark_place is not None
            else f"A create that times out deletes the new {provider().what} (see Ownership); the next "
            "`pulumi up` creates it afresh."
        )
        lines += [
            "## Timeouts",
            "",
            f"`timeout_seconds` (default {default:g}) bounds every wait of create, update and delete; Pulumi's",
            "`customTimeouts` never reach dynamic providers. While it waits the provider prints a progress line",
            "naming the resource and its status. " + after_timeout,
            "",
        ]
    lines += ["## Configuration", "", "| stack config | environment fallback | meaning |", "|---|---|---|"]
    for key, env, meaning in client.CONFIG_DOCS:
        lines.append(f"| `{key}` | {', '.join(f'`{e}`' for e in env)} | {cell(meaning)} |")
    return "\n".join(lines) + "\n"


def pages() -> dict[Path, str]:
    """Every generated file: the docs pages and the typed attributes modules."""
    return {**{ROOT / "docs" / e.platform / f"{e.resource}.md": render(e) for e in RESOURCES}, **attributes_modules()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 when a page differs from what would be generated")
    options = parser.parse_args()
    stale = []
    for path, text in pages().items():
        if options.check:
            if not path.exists() or path.read_text() != text:
                stale.append(path)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    for path in stale:
        print(f"stale: {path.relative_to(ROOT)} (run python scripts/gen_docs.py)")
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
