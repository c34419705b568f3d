import pulumi

from providers.peak import (
    BlockSpec,
    BlockSpecArgs,
    PressDeployment,
    PressDeploymentArgs,
    Service,
    ServiceArgs,
    list_press_specs,
)

# The sandbox seeds every tenant with an app spec; on the real platform, look yours up by name.
specs = {spec["name"]: spec["id"] for spec in list_press_specs(status=["available"])}
stack = pulumi.get_stack()

api = Service("scoring-api", ServiceArgs(name=f"press-api-{stack}", service_type="api", image_id=42))

# Publish a block spec and deploy it in the same program. `artifact_path="block"` would upload that
# folder (zipped, without .git, .env files and what block/.mlpignore lists) as the release's code; a new
# `release_version` publishes a new release.
loader_spec = BlockSpec(
    "loader-spec",
    BlockSpecArgs(
        name=f"loader-{stack}",
        summary="Loads the nightly extract",
        release_version="1.0.0",
        config={"steps": {"load": {"type": "standard", "command": "python load.py"}}},
        parameters={"run": [{"name": "target_url", "type": "string", "required": True}]},
    ),
)

loader = PressDeployment(
    "loader",
    PressDeploymentArgs(
        kind="block",
        spec_id=loader_spec.id,
        name=f"loader-{stack}",
        summary="Nightly extract",
        run_parameters={"target_url": "https://example.com/extract"},
        timeout_seconds=600,
    ),
)

app = PressDeployment(
    "churn-app",
    PressDeploymentArgs(
        kind="app",
        spec_id=specs["sandbox-app"],
        name=f"churn-app-{stack}",
        summary="Churn analytics",
        tags=["analytics"],
        # App-level run parameters take the service's URL; each block gets its own.
        run_parameters={"scoring_url": api.application_url},
        block_parameters={"sandbox-block": {"run": {"target_url": "https://example.com/churn"}}},
        timeout_seconds=600,
    ),
)

pulumi.export("loader_status", loader.status)
pulumi.export("loader_release", loader.release_version)
pulumi.export("app_release", app.release_version)
# A block's platform id, for wiring onward (e.g. into a workflow trigger).
pulumi.export("app_block_platform_ids", app.blocks.apply(lambda blocks: [b["platform_id"] for b in blocks]))
