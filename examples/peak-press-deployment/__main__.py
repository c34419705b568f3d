import pulumi

from providers.peak import PressDeployment, PressDeploymentArgs, list_press_specs

# The sandbox seeds every tenant with these two specs; on the real platform, look yours up.
specs = {spec["name"]: spec for spec in list_press_specs(status=["available"])}
block_spec = specs.get("sandbox-block", {}).get("id", "5eed0000-b10c-4000-8000-000000000001")
app_spec = specs.get("sandbox-app", {}).get("id", "5eed0000-a990-4000-8000-000000000002")
stack = pulumi.get_stack()

loader = PressDeployment(
    "loader",
    PressDeploymentArgs(
        kind="block",
        spec_id=block_spec,
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
        spec_id=app_spec,
        name=f"churn-app-{stack}",
        summary="Churn analytics",
        title="Churn analytics",
        tags=["analytics"],
        # A block's input wired to another deployment's output.
        block_parameters={"sandbox-block": {"run": {"target_url": loader.id.apply(lambda i: f"press://{i}")}}},
        timeout_seconds=600,
    ),
)

pulumi.export("loader_id", loader.id)
pulumi.export("loader_status", loader.status)
pulumi.export("app_release", app.release_version)
pulumi.export("app_blocks", app.blocks)
