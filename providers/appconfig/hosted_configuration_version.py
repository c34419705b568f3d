"""AWS AppConfig HostedConfigurationVersion: one immutable version of a hosted configuration profile.

Any change creates a new version (the new one first, then the old one is deleted); unchanged content
never does, so a Deployment of `version_number` starts only when the content changed.

Versions have no tags; the one free place AppConfig documents is the `Description` header (ASCII, at
most 1024). A new version carries the owner mark there as the suffix ` [mlp-owner-<16 hex>]`, taken off
on every read (so `description` takes at most 995). A create takes over only a recent version with
exactly these inputs and this resource's mark (its lost answer's or interrupted run's); a version
another stack, resource or person made is never taken over, even with the same content.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated

from ..core import Field, ForceNew, Observed, OutputsModel, PlatformProvider, PlatformResource, ResourceArgs, Step
from ..core.lifecycle import Known, present
from ..core.ownership import mark_label
from ..generated.attributes import AppconfigHostedConfigurationVersionAttributes

if TYPE_CHECKING:  # boto3 and the wire models load only where requests are sent
    from .client import AppConfigClient
    from .models import HostedConfigurationVersion as VersionWire

ID_PATTERN = r"^[a-z0-9]{4,7}$"
# A label must hold a non-digit, so it cannot be mistaken for a version number.
LABEL_PATTERN = r"^(?=.*[^0-9]).{1,64}$"
MAX_CONTENT_CHARACTERS = 2 * 1024 * 1024
LOOK_BACK_VERSIONS = 10
# The owner mark at the end of the Description header: ` [mlp-owner-0123456789abcdef]`.
MARK_SUFFIX = re.compile(r"(?:^| )\[mlp-owner-([0-9a-f]{16})\]$")
MAX_DESCRIPTION = 1024 - len(" [mlp-owner-0123456789abcdef]")


class HostedConfigurationVersionArgs(ResourceArgs, timeout=300, waits_for="AppConfig to answer"):
    """Inputs of an AppConfig hosted configuration version."""

    application_id: Annotated[str, ForceNew()] = Field(
        description="Id of the AppConfig application.", pattern=ID_PATTERN
    )
    configuration_profile_id: Annotated[str, ForceNew()] = Field(
        description="Id of the hosted configuration profile (location `hosted`).", pattern=ID_PATTERN
    )
    content: Annotated[str, ForceNew()] = Field(
        description="The configuration, as text (UTF-8); may hold other resources' outputs. Pass a secret to keep "
        "it secret in state. Changing it creates a new version.",
        max_length=MAX_CONTENT_CHARACTERS,
    )
    content_type: Annotated[str, ForceNew()] = Field(
        default="application/json",
        description="Media type of the content, e.g. `application/json`, `text/plain`, `application/x-yaml`.",
        min_length=1,
        max_length=255,
    )
    version_label: Annotated[str | None, ForceNew()] = Field(
        default=None,
        description="Label for the version, usable as a deployment's `configuration_version`; must contain a "
        "non-digit.",
        pattern=LABEL_PATTERN,
    )
    description: Annotated[str | None, ForceNew()] = Field(
        default=None,
        description="Description of the version: printable ASCII (AppConfig carries it in an HTTP header), at most "
        f"{MAX_DESCRIPTION} characters (the rest of AppConfig's 1024 holds the owner mark).",
        max_length=MAX_DESCRIPTION,
    )

    def cross_field_problems(self) -> list[tuple[str, str]]:
        if self.description and not re.fullmatch(r"[\x20-\x7e]*", self.description):
            return [("description", "must be printable ASCII: AppConfig carries it in an HTTP header")]
        return []


class HostedConfigurationVersionOutputs(OutputsModel):
    """What AppConfig reports about a hosted version beyond its inputs."""

    version_number: int | None = Field(
        default=None, description="The version's number: a Deployment's `configuration_version`."
    )
    kms_key_arn: str | None = Field(default=None, description="ARN of the KMS key the profile encrypts with, if any.")


def split_mark(description: str | None) -> tuple[str | None, str | None]:
    """(the user's description, the owner mark) of a Description header."""
    found = MARK_SUFFIX.search(description or "")
    return (description, None) if found is None else ((description or "")[: found.start()] or None, found.group(1))


def marked(description: str | None, owner: str | None) -> str | None:
    return description if owner is None else " ".join(filter(None, (description, f"[{mark_label(owner)}]")))


# ---- provider ------------------------------------------------------------------------------------


class HostedConfigurationVersionProvider(
    PlatformProvider[HostedConfigurationVersionArgs, "AppConfigClient", "VersionWire"]
):
    outputs_model = HostedConfigurationVersionOutputs
    platform = "AppConfig"
    client_class = "providers.appconfig.client:AppConfigClient"
    id_fields = ("application_id", "configuration_profile_id", "version_number")
    mark_place = "the end of its `Description` header, ` [mlp-owner-…]`, taken off on read"
    # What GetHostedConfigurationVersion documents (its headers and body), by field: the id's parts and the rest.
    wire_fields = {name: name for name in (*id_fields, "content_type", "version_label", "kms_key_arn")}
    ident_attributes = id_fields
    immutable = True

    def fetch(self, step: Step[AppConfigClient], ident: str, known: Known) -> VersionWire:
        return step.client.get_hosted_configuration_version(*self.split_id(ident))

    def find(self, step: Step[AppConfigClient], args: HostedConfigurationVersionArgs) -> VersionWire | None:
        """A recent version with exactly these inputs and this resource's mark (only the newest few are
        looked at, which is where an interrupted run's versions are)."""
        if step.owner is None:
            return None
        app, profile = args.application_id, args.configuration_profile_id
        wanted = (args.version_label, marked(args.description, step.owner), args.content_type)
        for checked, summary in enumerate(step.client.iter_hosted_configuration_versions(app, profile)):
            if checked >= LOOK_BACK_VERSIONS:
                return None
            if (summary.version_label, summary.description, summary.content_type) == wanted:
                found = step.client.get_hosted_configuration_version(app, profile, summary.version_number)
                if found.content == args.content.encode("utf-8"):
                    return found
        return None

    def owner_of(self, obj: VersionWire) -> str | None:
        return split_mark(obj.description)[1]

    def send_create(self, step: Step[AppConfigClient], args: HostedConfigurationVersionArgs) -> str:
        number = step.client.create_hosted_configuration_version(
            args.application_id,
            args.configuration_profile_id,
            content=args.content.encode("utf-8"),
            content_type=args.content_type,
            description=marked(args.description, step.owner),
            version_label=args.version_label,
        )
        return self.join_id(args.application_id, args.configuration_profile_id, number)

    def send_delete(self, step: Step[AppConfigClient], ident: str, known: Known) -> None:
        step.client.delete_hosted_configuration_version(*self.split_id(ident))

    def observe(self, step: Step[AppConfigClient], ident: str, obj: VersionWire, known: Known) -> Observed:
        seen = {**present(obj, self.wire_fields), "content": obj.content.decode("utf-8", errors="replace")}
        if "description" in obj.model_fields_set:
            seen["description"] = split_mark(obj.description)[0]
        return seen


class HostedConfigurationVersion(
    AppconfigHostedConfigurationVersionAttributes,
    PlatformResource[HostedConfigurationVersionArgs],
    module="appconfig",
    name="HostedConfigurationVersion",
):
    """A version of an AWS AppConfig hosted configuration profile."""

    provider_type = HostedConfigurationVersionProvider
