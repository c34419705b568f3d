"""HostedConfigurationVersionProvider's methods called directly, against the sandbox."""

from __future__ import annotations

import pytest

from providers.appconfig.hosted_configuration_version import (
    HostedConfigurationVersionOutputs,
    HostedConfigurationVersionProvider,
)
from tests.appconfig_support import APP, PROFILE, appconfig_requests, boto_fixture, configured, statuses  # noqa: F401

INPUTS = {"application_id": APP, "configuration_profile_id": PROFILE, "content": '{"flag": true}', "description": "v"}


@pytest.fixture
def provider(sb):
    return configured(HostedConfigurationVersionProvider, sb)


def checked(provider, **changes):
    result = provider.check({}, {**INPUTS, **changes})
    assert result.failures == []
    return result.inputs


def versions(boto):
    return [
        v["VersionNumber"]
        for v in boto.list_hosted_configuration_versions(ApplicationId=APP, ConfigurationProfileId=PROFILE)["Items"]
    ]


def test_basic(sb, provider, boto):
    inputs = checked(provider, version_label="flags-on")
    created = provider.create(inputs)
    assert created.id == f"{APP}/{PROFILE}/2" and created.outs["version_number"] == 2
    assert set(created.outs) == set(inputs) | set(HostedConfigurationVersionOutputs.field_specs()) | {"__meta"}
    got = boto.get_hosted_configuration_version(ApplicationId=APP, ConfigurationProfileId=PROFILE, VersionNumber=2)
    assert got["Content"].read() == b'{"flag": true}' and got["VersionLabel"] == "flags-on"
    read = provider.read(created.id, created.outs)
    assert read.outs == created.outs and read.inputs == inputs
    assert provider.diff(created.id, created.outs, inputs).changes is False
    provider.delete(created.id, created.outs)
    assert versions(boto) == [1]
    assert provider.read(created.id, created.outs).id == ""
    provider.delete(created.id, created.outs)  # gone already: success


def test_any_change_replaces_creating_the_new_version_first(sb, provider):
    created = provider.create(checked(provider))
    for field, value in (
        ("content", "{}"),
        ("content_type", "text/plain"),
        ("description", "w"),
        ("version_label", "x1"),
    ):
        diff = provider.diff(created.id, created.outs, checked(provider, **{field: value}))
        assert diff.replaces == [field] and not diff.delete_before_replace
    diff = provider.diff(created.id, created.outs, checked(provider, timeout_seconds=10))
    assert diff.changes is True and diff.replaces == []
    sb.clear_requests()
    provider.update(created.id, created.outs, checked(provider, timeout_seconds=10))
    assert [r["method"] for r in appconfig_requests(sb)] == ["GET"]


def test_numbers_are_never_handed_out_twice(sb, provider, boto):
    first = provider.create(checked(provider))
    provider.delete(first.id, first.outs)
    second = provider.create(checked(provider))
    assert second.outs["version_number"] == first.outs["version_number"] + 1


def test_lost_create_answer_is_found_not_created_twice(sb, provider, boto):
    sb.add_fault(path=r"/hostedconfigurationversions$", method="POST", status=502, when="after", platform="appconfig")
    created = provider.create(checked(provider))
    assert statuses(sb, "create_hosted_configuration_version") == [502]
    assert versions(boto) == [created.outs["version_number"], 1]


@pytest.mark.parametrize(
    ("field", "value"),
    [("version_label", "123"), ("application_id", "A"), ("content_type", ""), ("timeout_seconds", -1)],
)
def test_check_failures_name_the_field_and_send_nothing(sb, provider, field, value):
    result = provider.check({}, {**INPUTS, field: value})
    assert [f.property for f in result.failures] == [field]
    assert appconfig_requests(sb) == []
