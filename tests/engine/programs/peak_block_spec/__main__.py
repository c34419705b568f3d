"""Config: `folder` (the artifact folder), `version` (the release to publish and deploy)."""

import pulumi

from providers.peak import BlockSpec, BlockSpecArgs, PressDeployment, PressDeploymentArgs

config = pulumi.Config()
version = config.get("version") or "1.0.0"

spec = BlockSpec(
    "spec",
    BlockSpecArgs(
        name="engine-block",
        summary="published by the engine test",
        release_version=version,
        config={"steps": {"run": {"type": "standard", "command": "python main.py"}}},
        artifact_path=config.require("folder"),
    ),
)
deployment = PressDeployment(
    "deployment",
    PressDeploymentArgs(
        kind="block",
        spec_id=spec.id,
        release_version=spec.release_version,
        name="engine-block-dep",
        summary="deployed by the engine test",
    ),
)

pulumi.export("spec", {"id": spec.id, "release": spec.release_version, "artifact_id": spec.artifact_id})
pulumi.export("deployment", {"id": deployment.id, "release": deployment.release_version, "status": deployment.status})
