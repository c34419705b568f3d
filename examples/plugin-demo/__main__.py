"""The demo stack through the provider plugin: the root's __main__.py with `pulumi_mlplatforms` types.

The same resources, names and inputs as the dynamic types' demo, so a stack moved with
`python -m providers.plugin.move` previews with no changes on this program.
"""

import pulumi
import pulumi_mlplatforms as mlp

from providers.peak import run_service_test

config = pulumi.Config()
prefix = config.get("namePrefix") or pulumi.get_stack()
image_id = config.get_int("imageId") or 101

model_api = mlp.peak.Service(
    "model-api",
    name=f"{prefix}-model-api",
    service_type="api",
    image_id=image_id,
    title="Churn model API",
    env={"MODEL_NAME": "churn", "LOG_LEVEL": "info"},
    health_check_url="/health",
)

dashboard = mlp.peak.Service(
    "dashboard",
    name=f"{prefix}-dashboard",
    service_type="web-app",
    image_id=image_id + 1,
    title="Churn dashboard",
    env={"MODEL_API_URL": model_api.application_url},
    session_stickiness=True,
)

churn_app = mlp.peak.PressDeployment(
    "churn-app",
    kind="app",
    spec_id=config.get("pressAppSpecId") or "5eed0000-a990-4000-8000-000000000002",
    name=f"{prefix}-churn-app",
    summary="Churn analytics app",
    run_parameters={"model_api_url": model_api.application_url},
    timeout_seconds=300,
)
pulumi.export(
    "churn_app",
    {"id": churn_app.id, "status": churn_app.status, "revision": churn_app.revision, "blocks": churn_app.blocks},
)

scoring_trigger = mlp.abeja.Trigger(
    "scoring-trigger",
    deployment_id="1300000000001",
    model_version_id="ver-0000000000000001",
    input_service_id="1400000000001",
    environment={"MODEL_API_URL": model_api.application_url},
    retry_count=3,
)
pulumi.export("scoring_trigger", {"id": scoring_trigger.trigger_id, "model_version": scoring_trigger.model_version})

model_ide = mlp.dataiku.CodeStudio(
    "model-ide",
    project_key=config.get("dataikuProject") or "SANDBOX",
    name=model_api.name.apply(lambda name: f"{name}-ide"),
    template_id="vscode",
    timeout_seconds=120,
)
pulumi.export(
    "model_ide",
    {"id": model_ide.code_studio_id, "state": model_ide.state, "ports": model_ide.exposed_ports},
)

api_config = mlp.appconfig.HostedConfigurationVersion(
    "api-config",
    application_id="mlpapp1",
    configuration_profile_id="mlpcfg1",
    content=pulumi.Output.json_dumps({"model_api_url": model_api.application_url}),
    description="model API endpoint",
)
api_config_rollout = mlp.appconfig.Deployment(
    "api-config-rollout",
    application_id="mlpapp1",
    environment_id="mlpenv1",
    deployment_strategy_id="mlpqck1",
    configuration_profile_id="mlpcfg1",
    configuration_version=api_config.version_number,
    description="model API endpoint",
    timeout_seconds=300,
)
pulumi.export(
    "api_config",
    {"version": api_config.version_number, "deployment": api_config_rollout.id, "state": api_config_rollout.state},
)

health = run_service_test(model_api.name, "get", "/health")

pulumi.export("model_api", {"id": model_api.id, "status": model_api.status, "url": model_api.application_url})
pulumi.export(
    "dashboard",
    {"id": dashboard.id, "status": dashboard.status, "url": dashboard.application_url, "env": dashboard.env},
)
pulumi.export("model_api_health", health)
