"""AWS AppConfig HostedConfigurationVersion: one immutable version of a hosted configuration profile.

Versions cannot change: any change creates a new version (the new one first, then the old one is
deleted), and unchanged content never creates one, so a Deployment of `version_number` downstream
starts only when the content really changed. A recent version with exactly the same inputs (what a
lost answer or an interrupted run leaves) is taken over rather than duplicated.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

import pulumi

from ..core import (
    Deadline,
    Field,
    ForceNew,
    NotFoundError,
    Observed,
    OutputsModel,
    PlatformProvider,
    PlatformResource,
    ProviderError,
    ResourceArgs,
    WriteOnly,
)
from ..core.lifecycle import create_or_take_over

if TYPE_CHECKING:
    from .client import AppConfigClient
    from .models import HostedConfigurationVersion as VersionWire

ID_PATTERN = r"^[a-z0-9]{4,7}$"
# A label must hold a non-digit, so it cannot be mistaken for a version number.
LABEL_PATTERN = r"^(?=.*[^0-9]).{1,64}$"
MAX_CONTENT_CHARACTERS = 2 * 1024 * 1024
LOOK_BACK_VERSIONS = 10


class HostedConfigurationVersionArgs(ResourceArgs):
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
        default=None, description="Description of the version.", max_length=1024
    )
    timeout_seconds: Annotated[float, WriteOnly()] = Field(
        default=300.0,
        gt=0,
        le=86400,
        description="How long create and delete ride out transient failures, in seconds.",
    )


class HostedConfigurationVersionOutputs(OutputsModel):
    """What AppConfig reports about a hosted version beyond its inputs."""

    version_number: int | None = Field(
        default=None, description="The version's number: a Deployment's `configuration_version`."
    )
    kms_key_arn: str | None = Field(default=None, description="ARN of the KMS key the profile encrypts with, if any.")


def version_id(application_id: str, profile_id: str, number: int) -> str:
    return f"{application_id}/{profile_id}/{number}"


def parse_version_id(ident: str) -> tuple[str, str, int]:
    parts = ident.split("/")
    if len(parts) != 3 or not parts[2].isdigit():
        raise ProviderError(
            f"reading AppConfig HostedConfigurationVersion ({ident}): the id is not application/profile/number"
        )
    return parts[0], parts[1], int(parts[2])


def observe(version: VersionWire) -> Observed:
    return {
        "application_id": version.application_id,
        "configuration_profile_id": version.configuration_profile_id,
        "content": version.content.decode("utf-8", errors="replace"),
        "content_type": version.content_type,
        "version_label": version.version_label,
        "description": version.description,
        "version_number": version.version_number,
        "kms_key_arn": version.kms_key_arn,
    }


def find_same_version(
    client: AppConfigClient, app: str, profile: str, args: HostedConfigurationVersionArgs
) -> int | None:
    """A recent version with exactly these inputs (what a lost answer or an interrupted run leaves), or None.

    Versions carry no tags, so the inputs are their identity; only the newest few are looked at,
    which is where an interrupted run's versions are.
    """
    for checked, summary in enumerate(client.iter_hosted_configuration_versions(app, profile)):
        if checked >= LOOK_BACK_VERSIONS:
            return None
        if (summary.version_label, summary.description, summary.content_type) != (
            args.version_label,
            args.description,
            args.content_type,
        ):
            continue
        found = client.get_hosted_configuration_version(app, profile, summary.version_number)
        if found.content == args.content.encode("utf-8"):
            return summary.version_number
    return None


class HostedConfigurationVersionProvider(PlatformProvider[HostedConfigurationVersionArgs, "AppConfigClient"]):
    args_model = HostedConfigurationVersionArgs
    outputs_model = HostedConfigurationVersionOutputs
    platform = "AppConfig"
    resource_label = "HostedConfigurationVersion"

    client_class = "providers.appconfig.client:AppConfigClient"

    def create_remote(
        self, client: AppConfigClient, args: HostedConfigurationVersionArgs, deadline: Deadline
    ) -> tuple[str, Observed]:
        app, profile = args.application_id, args.configuration_profile_id
        op = self.operation("creating", f"{app}/{profile}")
        number = create_or_take_over(
            op,
            find=lambda: find_same_version(client, app, profile, args),
            same=lambda _number: True,
            adopt=False,
            ident=str,
            create=lambda: str(
                client.create_hosted_configuration_version(
                    app,
                    profile,
                    content=args.content.encode("utf-8"),
                    content_type=args.content_type,
                    description=args.description,
                    version_label=args.version_label,
                )
            ),
            what="hosted configuration version",
            deadline=deadline,
        )
        found = client.get_hosted_configuration_version(app, profile, int(number))
        return version_id(app, profile, int(number)), observe(found)

    def read_remote(self, client: AppConfigClient, ident: str, prior: Mapping[str, Any]) -> Observed | None:
        app, profile, number = parse_version_id(ident)
        try:
            return observe(client.get_hosted_configuration_version(app, profile, number))
        except NotFoundError:
            return None

    def update_remote(
        self,
        client: AppConfigClient,
        ident: str,
        prior: Mapping[str, Any],
        args: HostedConfigurationVersionArgs,
        deadline: Deadline,
    ) -> Observed:
        # Only timeout_seconds changes in place; a version itself never changes.
        app, profile, number = parse_version_id(ident)
        return observe(client.get_hosted_configuration_version(app, profile, number))

    def delete_remote(self, client: AppConfigClient, ident: str, prior: Mapping[str, Any], deadline: Deadline) -> None:
        app, profile, number = parse_version_id(ident)
        try:
            client.delete_hosted_configuration_version(app, profile, number)
        except NotFoundError:
            return


class HostedConfigurationVersion(
    PlatformResource[HostedConfigurationVersionArgs], module="appconfig", name="HostedConfigurationVersion"
):
    """A version of an AWS AppConfig hosted configuration profile.

    Any change creates a new version (before the old one is deleted); unchanged content never does,
    so a Deployment of `version_number` starts only when the content changed. Delete removes it.
    """

    provider_type = HostedConfigurationVersionProvider

    application_id: pulumi.Output[str]
    configuration_profile_id: pulumi.Output[str]
    content: pulumi.Output[str]
    content_type: pulumi.Output[str]
    version_label: pulumi.Output[str | None]
    description: pulumi.Output[str | None]
    timeout_seconds: pulumi.Output[float]
    version_number: pulumi.Output[int]
    kms_key_arn: pulumi.Output[str | None]
