"""BlockSpecProvider's methods called directly against the sandbox: publish, release, metadata, delete."""

from __future__ import annotations

import pytest
from pulumi.dynamic import Config, ConfigureRequest

from providers.core import ConflictError, ProviderError
from providers.core.ownership import OWNER_KEY, mark_label
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

    # Changed for the ownership rule (never take over what this resource did not make): the leftover of
    # this resource's interrupted run carries its owner mark; another resource must adopt it.
    inputs = checked(provider, **{OWNER_KEY: "crashed"})
    press.create_spec("block", spec_document(inputs, "crashed"), parameters=SPEC["parameters"])
    sb.clear_requests()
    taken = provider.create(inputs)
    assert "peak.press.create_spec" not in routes(sb)
    with pytest.raises(ConflictError, match="adopt_existing"):
        provider.create(checked(provider, release_version="2.0.0", **{OWNER_KEY: "another"}))
    adopter = {"release_version": "2.0.0", "summary": "new", "adopt_existing": True, OWNER_KEY: "another"}
    adopted = provider.create(checked(provider, **adopter))
    assert adopted.id == taken.id and adopted.outs["release_version"] == "2.0.0" and adopted.outs["summary"] == "new"
    assert press.get_spec("block", taken.id).metadata.tag_names() == [mark_label("another")], "re-marked"


def test_lost_answers_neither_duplicate_a_spec_nor_a_release(sb, provider, press):
    sb.add_fault(path=r"/press/v1/blocks/specs/?$", method="POST", status=502, when="after")
    # With the owner mark (ownership rule): what the lost create left is known to be this resource's.
    created = provider.create(checked(provider, **{OWNER_KEY: "me"}))
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


def test_the_owner_mark_is_a_tag_that_inputs_and_outputs_never_show(sb, provider, press):
    created = provider.create(checked(provider, tags=["team"], **{OWNER_KEY: "me"}))
    assert press.get_spec("block", created.id).metadata.tag_names() == ["team", mark_label("me")]
    assert created.outs["tags"] == ["team"] and provider.read(created.id, created.outs).outs["tags"] == ["team"]
    sb.clear_requests()
    provider.update(created.id, created.outs, checked(provider, tags=["other"], **{OWNER_KEY: "me"}))
    assert writes(sb)[0]["body"]["metadata"]["tags"] == [{"name": "other"}, {"name": mark_label("me")}]
    with pytest.raises(ConflictError, match=rf"already exists \({created.id}\).*adopt_existing=True"):
        provider.create(checked(provider, **{OWNER_KEY: "someone-else"}))


def test_the_release_is_read_from_the_release_describe(sb, provider, press, monkeypatch):
    # Fidelity: the spec describe documents the latest release's id, version and notes only; its config,
    # parameters and artifact come from the release describe (reference §7a, §7b).
    from providers.peak.models import PressSpecWire

    original = PeakPressClient.get_spec

    def described(self, family, spec_id):
        wire = original(self, family, spec_id).model_dump(by_alias=True, exclude_unset=True)
        wire["latestRelease"] = {k: wire["latestRelease"][k] for k in ("id", "version", "notes")}
        return PressSpecWire.model_validate(wire)

    monkeypatch.setattr(PeakPressClient, "get_spec", described)
    inputs = checked(provider, auto_run_on_deploy=True)
    created = provider.create(inputs)
    assert created.outs["config"] == SPEC["config"] and created.outs["parameters"] == SPEC["parameters"]
    assert created.outs["auto_run_on_deploy"] is True
    read = provider.read(created.id, created.outs)
    assert read.outs == created.outs and provider.diff(created.id, read.outs, inputs).changes is False


def test_multipart_sends_only_what_the_sdk_sends(sb, provider, monkeypatch):
    # Reference §4/§7b: unset parameters and empty tenants are left out (the SDK never sends "null"/"[]").
    import requests

    bodies = []
    original = requests.Session.send

    def send(self, request, **kwargs):
        if request.method == "POST":
            bodies.append(request.body)
        return original(self, request, **kwargs)

    monkeypatch.setattr(requests.Session, "send", send)
    created = provider.create(checked(provider, parameters={}))
    provider.update(created.id, created.outs, checked(provider, parameters={}, release_version="1.1.0"))
    assert len(bodies) == 2
    for body in bodies:
        assert b'name="spec"' in body and b'name="autoRunOnDeploy"\r\n\r\nnull' in body
        assert b'name="parameters"' not in body and b'name="tenants"' not in body


# ---- the artifact: what the folder's archive holds ------------------------------------------------


def names_in(data):
    import io
    import zipfile

    return sorted(zipfile.ZipFile(io.BytesIO(data)).namelist())


def test_the_archive_leaves_out_vcs_folders_dotenv_files_and_what_mlpignore_lists(folder):
    for vcs in (".git", ".hg", ".svn", "lib/.git"):
        (folder / vcs).mkdir(parents=True)
        (folder / vcs / "config").write_text("secret remote\n")
    for dotenv in (".env", ".env.local", "lib/.env.production"):
        (folder / dotenv).write_text("TOKEN=x\n")
    (folder / ".envrc").write_text("kept: not a dotenv file\n")
    (folder / "build").mkdir()
    (folder / "build" / "out.bin").write_bytes(b"\0")
    (folder / "lib" / "build").write_text("a file named build stays: the rule is for folders\n")
    (folder / "debug.log").write_text("x")
    (folder / "lib" / "notes.md").write_text("x")
    (folder / "notes.md").write_text("x")
    (folder / ".mlpignore").write_text("# generated\nbuild/\n*.log\n\n/notes.md\n")
    assert names_in(zip_folder(str(folder))) == [".envrc", "lib/build", "lib/notes.md", "lib/util.py", "main.py"]


def test_links_inside_the_folder_are_followed_and_links_out_of_it_refused(folder, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    (outside / "id_rsa").write_text("key\n")
    (folder / "util-link.py").symlink_to(folder / "lib" / "util.py")
    (folder / "lib-link").symlink_to(folder / "lib")
    assert names_in(zip_folder(str(folder))) == [
        "lib-link/util.py",
        "lib/util.py",
        "main.py",
        "util-link.py",
    ]
    (folder / "lib" / "keys").symlink_to(outside)
    with pytest.raises(ProviderError, match=r"artifact_path: the link lib/keys points outside the folder"):
        zip_folder(str(folder))
    (folder / "lib" / "keys").unlink()
    (folder / "lib" / "up").symlink_to(folder)
    with pytest.raises(ProviderError, match=r"artifact_path: the link lib/up loops back"):
        zip_folder(str(folder))
    (folder / ".mlpignore").write_text("up\n")
    assert "lib/up" not in " ".join(names_in(zip_folder(str(folder)))), "an ignored link is not followed"


def test_an_archive_over_10_mb_fails_while_it_is_written(folder, monkeypatch):
    import os

    from providers.peak import block_spec

    for index in range(4):
        (folder / f"noise-{index}.bin").write_bytes(os.urandom(4 * 1024 * 1024))
    opened = []
    original_open = type(folder).open

    def counting_open(self, *args, **kwargs):
        opened.append(self.name)
        return original_open(self, *args, **kwargs)

    monkeypatch.setattr(type(folder), "open", counting_open)
    with pytest.raises(ProviderError, match=r"artifact_path: .* zips to more than 10 MB"):
        zip_folder(str(folder))
    assert "noise-3.bin" not in opened, "stopped as soon as the archive passed the limit"
    assert block_spec.MAX_ARTIFACT_BYTES == 10 * 1024 * 1024


def test_a_bad_folder_is_a_check_failure_and_a_create_error_names_the_field(sb, provider, folder):
    missing = provider.check({}, {**SPEC, "artifact_path": str(folder / "nope")})
    assert [f.property for f in missing.failures] == ["artifact_path"]
    (folder / "out").symlink_to("/etc")
    with pytest.raises(ProviderError, match=r"creating Peak BlockSpec \(loader\): artifact_path: the link out"):
        provider.create(checked(provider, artifact_path=str(folder)))
    assert writes(sb) == []
