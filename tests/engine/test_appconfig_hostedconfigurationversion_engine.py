"""appconfig:HostedConfigurationVersion through the real pulumi CLI against the sandbox: secret content
stays ciphertext in state, an unchanged `up` makes no version, a change makes one and removes the old."""

from __future__ import annotations

import json

from tests.appconfig_support import APP, PROFILE, appconfig_requests, boto_fixture  # noqa: F401 (fixture)
from tests.harness import live_objects

VERSION = "pulumi-python:dynamic/appconfig:HostedConfigurationVersion"
PROGRAM = """
import pulumi

from providers.appconfig import HostedConfigurationVersion, HostedConfigurationVersionArgs

config = pulumi.Config()
version = HostedConfigurationVersion(
    "flags",
    HostedConfigurationVersionArgs(
        application_id="{app}",
        configuration_profile_id="{profile}",
        content=config.require_secret("content"),
        content_type="application/json",
    ),
)
pulumi.export("version_number", version.version_number)
"""


def versions(boto):
    listed = boto.list_hosted_configuration_versions(ApplicationId=APP, ConfigurationProfileId=PROFILE)
    return [v["VersionNumber"] for v in listed["Items"]]


def test_secret_content_unchanged_up_and_replacement(sb, new_project, boto, tmp_path):
    program = tmp_path / "flags"
    program.mkdir()
    (program / "Pulumi.yaml").write_text("name: appconfig-flags\nruntime: python\n")
    (program / "__main__.py").write_text(PROGRAM.format(app=APP, profile=PROFILE))
    project = new_project(program=program)
    project.config("content", '{"token": "flag-s3cret"}', secret=True)
    project.up()
    assert project.outputs()["version_number"] == 2
    stored = json.dumps(project.resources(VERSION))
    assert "flag-s3cret" not in stored and "ciphertext" in stored

    sb.clear_requests()
    project.up()
    assert [r for r in appconfig_requests(sb) if r["method"] != "GET"] == []

    sb.clear_requests()
    project.config("content", '{"token": "flag-s3cret", "v": 2}', secret=True)
    project.up()
    assert project.outputs()["version_number"] == 3
    routes = [r["route"] for r in appconfig_requests(sb) if r["method"] != "GET"]
    assert routes == ["appconfig.create_hosted_configuration_version", "appconfig.delete_hosted_configuration_version"]
    assert versions(boto) == [3, 1]
    project.destroy()
    assert live_objects(sb, "appconfig", "HostedConfigurationVersion") == []
