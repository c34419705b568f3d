"""peak:BlockSpec through the real pulumi CLI: publish a block spec from a folder and deploy it in one
stack; a new version publishes a release the deployment moves to; destroy removes the deployment first."""

from __future__ import annotations

from tests.harness import live_objects, platform_requests, writes


def test_publish_and_deploy_in_one_stack(sb, new_project, tmp_path):
    folder = tmp_path / "block"
    folder.mkdir()
    (folder / "main.py").write_text("print('hello')\n")
    project = new_project("peak_block_spec")
    project.config("folder", str(folder))
    project.preview()
    assert platform_requests(sb) == []

    project.up()
    out = project.outputs()
    assert out["spec"]["release"] == "1.0.0" and out["spec"]["artifact_id"]
    assert out["deployment"] == {**out["deployment"], "release": "1.0.0", "status": "deployed"}
    sb.clear_requests()
    project.up()
    assert writes(sb) == []

    project.config("version", "1.1.0")
    sb.clear_requests()
    project.up()
    assert [r["route"] for r in writes(sb)] == ["peak.press.create_release", "peak.press.create_revision"]
    out = project.outputs()
    assert out["spec"]["release"] == "1.1.0" and out["deployment"]["release"] == "1.1.0"

    project.destroy()
    assert live_objects(sb, "peak", "PressDeployment") == []
    assert live_objects(sb, "peak", "BlockSpec") == []
