"""BlockSpecProvider's methods called directly against the sandbox: publish, release, metadata, delete."""

from __future__ import annotations

import pytest
from pulumi.dynamic import Config, ConfigureRequest

from providers.core import ConflictError
from providers.peak.block_spec import BlockSpecOutputs, BlockSpecProvider, zip_folder
from providers.peak.client import PeakPressClient
from providers.peak.press_deployment import PressDeploymentProvider
from tests.harness import PEAK_TEST_KEY, platform_requests, writes

SPEC = {
    "name": "loader",
    "summary": "loads data",
    "release_version": "1.0.0",
    "config": {"steps": {"run": {"type": "standard", "command": "python main.py"}}},
    "parameters": {"run": [{"name": "target_url", "type": "string", "required": False, "defaultValue": ""}]},
}


def configured(provider_class, sb):
    provider = provider_class()
    provider.configure(ConfigureRequest(Config({"peak:apiKey": PEAK_TEST_KEY, "peak:endpoint": sb.peak_endpoint}, "p")))
    return provider


@pytest.fixture
def provider(sb):
    return configured(BlockSpecProvider, sb)


@pytest.fixture
def press(peak_settings):
    return PeakPressClient.from_settings(peak_settings)


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "main.py").write_text("print('loading')\n")
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "util.py").write_text("X = 1\n")
    return tmp_path


def checked(provider, **changes):
    result = provider.check({}, {**SPEC, **changes})
    assert result.failures == []
    return result.inputs


def routes(sb):
    return [r["route"] for r in writes(sb)]


def test_publish_with_an_artifact_read_and_delete(sb, provider, press, folder):
    inputs = checked(provider, artifact_path=str(folder))
    created = provider.create(inputs)
    outs = created.outs
    assert outs["status"] == "available" and outs["artifact_id"] and outs["release_version"] == "1.0.0"
    assert outs["parameters"] == SPEC["parameters"] and outs["config"] == SPEC["config"]
    assert set(outs) == set(inputs) | set(BlockSpecOutputs.field_specs()) | {"__meta"}
    read = provider.read(created.id, outs)
    assert read.outs == outs and read.inputs == inputs
    assert provider.diff(created.id, outs, inputs).changes is False
    provider.delete(created.id, outs)
    assert provider.read(created.id, outs).id == ""
    provider.delete(created.id, outs)


def test_the_zip_depends_only_on_the_files(folder):
    first = zip_folder(str(folder))
    (folder / "main.py").touch()
    assert zip_folder(str(folder)) == first


def test_metadata_changes_in_place_and_a_new_version_publishes_a_release(sb, provider, press):
    created = provider.create(checked(provider))
    sb.clear_requests()
    updated = provider.update(created.id, created.outs, checked(provider, title="Loader", featured=True))
    assert routes(sb) == ["peak.press.update_spec"]
    assert updated.outs["title"] == "Loader" and updated.outs["featured"] is True
    sb.clear_requests()
    news = checked(provider, title="Loader", featured=True, release_version="1.1.0", config={"steps": {}})
    released = provider.update(created.id, updated.outs, news)
    assert routes(sb) == ["peak.press.create_release"]
    assert released.outs["release_version"] == "1.1.0" and released.outs["config"] == {"steps": {}}
    assert [r.version for r in press.iter_spec_releases("block", created.id)] == ["1.1.0", "1.0.0"]


def test_a_release_input_change_without_a_new_version_is_refused(sb, provider):
    created = provider.create(checked(provider))
    sb.clear_requests()
    with pytest.raises(ConflictError, match=r"release 1.0.0 is published and cannot change \(config\)"):
        provider.update(created.id, created.outs, checked(provider, config={"steps": {}}))
    assert writes(sb) == []


def test_replace_on_name_or_kind(sb, provider):
    created = provider.create(checked(provider))
    assert provider.diff(created.id, created.outs, checked(provider, kind="service")).replaces == ["kind"]
    assert provider.diff(created.id, created.outs, checked(provider, name="other")).replaces == ["name"]


def test_take_over_and_adopt(sb, provider, press):
    from providers.peak.block_spec import spec_document

    inputs = checked(provider)
    press.create_spec("block", spec_document(inputs), parameters=SPEC["parameters"])
    sb.clear_requests()
    taken = provider.create(inputs)
    assert "peak.press.create_spec" not in routes(sb)
    with pytest.raises(ConflictError, match="adopt_existing"):
        provider.create(checked(provider, release_version="2.0.0"))
    adopted = provider.create(checked(provider, release_version="2.0.0", summary="new", adopt_existing=True))
    assert adopted.id == taken.id and adopted.outs["release_version"] == "2.0.0" and adopted.outs["summary"] == "new"


def test_lost_answers_neither_duplicate_a_spec_nor_a_release(sb, provider, press):
    sb.add_fault(path=r"/press/v1/blocks/specs/?$", method="POST", status=502, when="after")
    created = provider.create(checked(provider))
    assert [s.metadata.name for s in press.iter_family_specs("block", name="loader")] == ["loader"]
    sb.add_fault(path=r"/releases/?$", method="POST", status=502, when="after")
    provider.update(created.id, created.outs, checked(provider, release_version="1.1.0"))
    assert [r.version for r in press.iter_spec_releases("block", created.id)] == ["1.1.0", "1.0.0"]


def test_publish_and_deploy_then_delete_in_order(sb, provider):
    spec = provider.create(checked(provider))
    deployments = configured(PressDeploymentProvider, sb)
    inputs = deployments.check(
        {},
        {
            "kind": "block",
            "spec_id": spec.id,
            "name": "loader-dep",
            "summary": "s",
            "run_parameters": {"target_url": "u"},
        },
    ).inputs
    deployed = deployments.create(inputs)
    assert deployed.outs["release_version"] == "1.0.0" and deployed.outs["status"] == "deployed"
    with pytest.raises(ConflictError, match="delete its deployments first"):
        provider.delete(spec.id, spec.outs)
    deployments.delete(deployed.id, deployed.outs)
    provider.delete(spec.id, spec.outs)


def test_check_failures_name_the_field_and_send_nothing(sb, provider):
    result = provider.check(
        {},
        {
            **SPEC,
            "name": "Bad",
            "kind": "app",
            "release_version": "one",
            "parameters": {"deploy": []},
            "tenants": ["x"],
        },
    )
    assert {f.property for f in result.failures} == {"name", "kind", "release_version"}
    cross = provider.check({}, {**SPEC, "parameters": {"deploy": []}, "tenants": ["x"]})
    assert {f.property for f in cross.failures} == {"parameters", "tenants"}
    assert platform_requests(sb) == []
