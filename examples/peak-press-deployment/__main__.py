import pulumi

from providers.peak import PressDeployment, PressDeploymentArgs, Service, ServiceArgs, list_press_specs

# The sandbox seeds every tenant with these two specs; on the real platform, look yours up by name.
specs = {spec["name"]: spec["id"] for spec in list_press_specs(status=["available"])}
stack = pulumi.get_stack()

api = Service("scoring-api", ServiceArgs(name=f"press-api-{stack}", service_type="api", image_id=42))

loader = PressDeployment(
    "loader",
    PressDeploymentArgs(
        kind="block",
        spec_id=specs["sandbox-block"],
        release_version="1.0.0",
        name=f"loader-{stack}",
        summary="Loads the nightly extract",
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
pulumi.export("app_release", app.release_version)
# A block's platform id, for wiring onward (e.g. into a workflow trigger).
pulumi.export("app_block_platform_ids", app.blocks.apply(lambda blocks: [b["platform_id"] for b in blocks]))
