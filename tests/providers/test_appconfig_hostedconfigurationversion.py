"""HostedConfigurationVersionProvider's methods called directly, against the sandbox."""

from __future__ import annotations

import pytest

from providers.appconfig.hosted_configuration_version import (
    HostedConfigurationVersionOutputs,
    HostedConfigurationVersionProvider,
)
from providers.core.ownership import OWNER_KEY
from tests.appconfig_support import APP, PROFILE, appconfig_requests, boto_fixture, configured, statuses  # noqa: F401

OWNER = "0123456789abcdef"
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
    # Ownership rule: the version found after the lost answer is known as ours by its owner mark (`__owner`).
    created = provider.create({**checked(provider), OWNER_KEY: OWNER})
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


def described(boto, number):
    got = boto.get_hosted_configuration_version(ApplicationId=APP, ConfigurationProfileId=PROFILE, VersionNumber=number)
    return got.get("Description")


def test_the_owner_mark_rides_at_the_end_of_the_description_and_never_shows(sb, provider, boto):
    for description in ("v", None):
        inputs = checked(provider, description=description)
        created = provider.create({**inputs, OWNER_KEY: OWNER})
        number = created.outs["version_number"]
        assert described(boto, number) == " ".join(p for p in (description, f"[mlp-owner-{OWNER}]") if p)
        assert created.outs["description"] == description
        read = provider.read(created.id, created.outs)
        assert read.outs == created.outs and read.inputs["description"] == description
        assert provider.diff(created.id, created.outs, inputs).changes is False


def test_only_this_resources_own_version_is_taken_over(sb, provider, boto):
    inputs = checked(provider)
    content = inputs["content"].encode()

    def made_elsewhere(description):
        return boto.create_hosted_configuration_version(
            ApplicationId=APP,
            ConfigurationProfileId=PROFILE,
            Content=content,
            ContentType="application/json",
            Description=description,
        )["VersionNumber"]

    by_hand = made_elsewhere("v")
    other_stack = made_elsewhere("v [mlp-owner-fedcba9876543210]")
    left_by_our_crash = made_elsewhere(f"v [mlp-owner-{OWNER}]")
    sb.clear_requests()
    taken = provider.create({**inputs, OWNER_KEY: OWNER})
    assert taken.outs["version_number"] == left_by_our_crash
    assert statuses(sb, "create_hosted_configuration_version") == []
    provider.delete(taken.id, taken.outs)
    fresh = provider.create({**inputs, OWNER_KEY: OWNER})
    assert fresh.outs["version_number"] not in (by_hand, other_stack, left_by_our_crash)
    assert {by_hand, other_stack} <= set(versions(boto)), "what others made is never taken over or deleted"


@pytest.mark.parametrize("description", ["caf\u00e9 flags", "two\nlines", "d" * 996])
def test_a_description_the_header_cannot_carry_fails_check_naming_it(sb, provider, description):
    result = provider.check({}, {**INPUTS, "description": description})
    assert [f.property for f in result.failures] == ["description"]
    assert appconfig_requests(sb) == []
