"""How `pulumi import` names an object of each type, where the id alone is not enough to read it.

An engine import hands the provider only the id the user typed. Where a type's read needs more than
its resource id (a Press deployment's kind picks the API; an ABEJA trigger lives under an organization
and a deployment), the import id carries those inputs first, joined by `/`: `block/<deployment id>`.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from ..core.errors import ProviderError


class ImportSyntax(NamedTuple):
    """Inputs written before the resource id in an import id, and how the docs name the id."""

    prefix: tuple[str, ...]
    id_label: str


# By type token (`<platform>:<Resource>`); a meta test holds every catalog type to an entry.
IMPORT_IDS: dict[str, ImportSyntax] = {
    "peak:Service": ImportSyntax((), "<service id>"),
    "peak:PressDeployment": ImportSyntax(("kind",), "<deployment id>"),
    "peak:BlockSpec": ImportSyntax((), "<spec id>"),
    "abeja:Trigger": ImportSyntax(("organization_id", "deployment_id"), "<trigger id>"),
    "dataiku:CodeStudio": ImportSyntax((), "<project key>/<code studio id>"),
    "dataiku:CodeStudioTemplate": ImportSyntax((), "<template id>"),
    "appconfig:Deployment": ImportSyntax((), "<application id>/<environment id>/<deployment number>"),
    "appconfig:HostedConfigurationVersion": ImportSyntax(
        (), "<application id>/<configuration profile id>/<version number>"
    ),
}


def syntax_of(platform: str, resource: str) -> ImportSyntax:
    return IMPORT_IDS.get(f"{platform}:{resource}", ImportSyntax((), "<id>"))


def import_id_text(platform: str, resource: str) -> str:
    """The import id as the docs show it: `<kind>/<deployment id>`."""
    syntax = syntax_of(platform, resource)
    return "/".join([*(f"<{name.replace('_', ' ')}>" for name in syntax.prefix), syntax.id_label])


def parse_import_id(platform: str, resource: str, import_id: str) -> tuple[str, dict[str, Any]]:
    """(resource id, the inputs the import id carries)."""
    syntax = syntax_of(platform, resource)
    if not syntax.prefix:
        return import_id, {}
    parts = import_id.split("/", len(syntax.prefix))
    if len(parts) <= len(syntax.prefix) or not all(parts):
        raise ProviderError(
            f"importing {platform} {resource} ({import_id}): an import id of this type has the form "
            f"{import_id_text(platform, resource)}"
        )
    return parts[-1], dict(zip(syntax.prefix, parts[:-1], strict=True))
