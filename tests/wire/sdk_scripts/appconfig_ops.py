# mypy: ignore-errors
# (boto3 is installed in the SDK virtualenv this script runs in.)
"""The AWS AppConfig operations of the wire tier through plain boto3 (tests/wire/test_appconfig_wire.py
runs the same operations through our client). Endpoint, region and credentials come from the
environment only, as a user's boto3 takes them; STS is asked at the same endpoint, as our client does
when only an AppConfig endpoint is set."""

from __future__ import annotations

import os

import boto3
from wire_sdk import load_config, run

CONFIG = load_config()
APPCONFIG = boto3.client("appconfig")
STS = boto3.client("sts", endpoint_url=os.environ["AWS_ENDPOINT_URL_APPCONFIG"])


def where(c, *names):
    i = c.inputs
    mapping = {
        "app": ("ApplicationId", i["application_id"]),
        "env": ("EnvironmentId", i["environment_id"]),
        "profile": ("ConfigurationProfileId", i["profile_id"]),
    }
    return dict(mapping[name] for name in names)


def create_version(c):
    i = c.inputs["hosted_version"]
    answer = APPCONFIG.create_hosted_configuration_version(
        **where(c, "app", "profile"),
        Content=i["content"].encode(),
        ContentType=i["content_type"],
        Description=i["description"],
        VersionLabel=i["version_label"],
    )
    c.state["version"] = answer["VersionNumber"]


def start(c):
    i = c.inputs["deployment"]
    APPCONFIG.start_deployment(
        **where(c, "app", "env"),
        DeploymentStrategyId=c.ids["slow_strategy"],
        ConfigurationProfileId=i["profile_id"],
        ConfigurationVersion=i["version"],
        Description=i["description"],
        Tags=i["tags"],
        KmsKeyIdentifier=i["kms_key_identifier"],
        DynamicExtensionParameters=i["dynamic_extension_parameters"],
    )


def update_tags(c):
    APPCONFIG.untag_resource(ResourceArn=c.inputs["arn"], TagKeys=c.inputs["remove_tags"])
    APPCONFIG.tag_resource(ResourceArn=c.inputs["arn"], Tags=c.inputs["set_tags"])


def pages(name, **params):
    return [item for page in APPCONFIG.get_paginator(name).paginate(**params) for item in page["Items"]]


OPS = {
    "get_account_id": lambda c: STS.get_caller_identity(),
    "get_environment": lambda c: APPCONFIG.get_environment(**where(c, "app", "env")),
    "create_hosted_configuration_version": create_version,
    "get_hosted_configuration_version": lambda c: APPCONFIG.get_hosted_configuration_version(
        **where(c, "app", "profile"), VersionNumber=c.state["version"]
    ),
    "iter_hosted_configuration_versions": lambda c: pages(
        "list_hosted_configuration_versions", **where(c, "app", "profile")
    ),
    "create_deployment": start,
    "get_deployment": lambda c: APPCONFIG.get_deployment(**where(c, "app", "env"), DeploymentNumber=1),
    "iter_deployments": lambda c: pages("list_deployments", **where(c, "app", "env")),
    "get_tags": lambda c: APPCONFIG.list_tags_for_resource(ResourceArn=c.inputs["arn"]),
    "update_tags": update_tags,
    "delete_deployment": lambda c: APPCONFIG.stop_deployment(**where(c, "app", "env"), DeploymentNumber=1),
    "delete_hosted_configuration_version": lambda c: APPCONFIG.delete_hosted_configuration_version(
        **where(c, "app", "profile"), VersionNumber=int(c.ids["doomed_version"])
    ),
}

if __name__ == "__main__":
    run(OPS, CONFIG)
