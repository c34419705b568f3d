"""The demo stack: a model API on Peak, and a dashboard that is handed the API's URL.

The dashboard's env takes the API service's `application_url` output, so the engine creates the
API first and previews the dashboard with an unknown value until then.
"""

import pulumi

from providers.abeja import Trigger, TriggerArgs
from providers.appconfig import (
    Deployment,
    DeploymentArgs,
    HostedConfigurationVersion,
    HostedConfigurationVersionArgs,
)
from providers.dataiku import CodeStudio, CodeStudioArgs
from providers.peak import PressDeployment, PressDeploymentArgs, Service, ServiceArgs, run_service_test

config = pulumi.Config()
prefix = config.get("namePrefix") or pulumi.get_stack()
image_id = config.get_int("imageId") or 101

model_api = Service(
    "model-api",
    ServiceArgs(
        name=f"{prefix}-model-api",
        service_type="api",
        image_id=image_id,
        title="Churn model API",
        env={"MODEL_NAME": "churn", "LOG_LEVEL": "info"},
        health_check_url="/health",
    ),
)

dashboard = Service(
    "dashboard",
    ServiceArgs(
        name=f"{prefix}-dashboard",
        service_type="web-app",
        image_id=image_id + 1,
        title="Churn dashboard",
        env={"MODEL_API_URL": model_api.application_url},
        session_stickiness=True,
    ),
)

# The churn app from Press (the sandbox seeds its spec in every tenant), its run parameters handed
# the model API's URL; outputs carry its blocks' platform ids for wiring onward.
churn_app = PressDeployment(
    "churn-app",
    PressDeploymentArgs(
        kind="app",
        spec_id=config.get("pressAppSpecId") or "5eed0000-a990-4000-8000-000000000002",
        name=f"{prefix}-churn-app",
        summary="Churn analytics app",
        run_parameters={"model_api_url": model_api.application_url},
        timeout_seconds=300,
    ),
)
pulumi.export(
    "churn_app",
    {"id": churn_app.id, "status": churn_app.status, "revision": churn_app.revision, "blocks": churn_app.blocks},
)
# Every file landing in the sandbox's seeded datalake channel runs the seeded deployment, which is
# handed the model API's URL (so the trigger is created once the API exists).
scoring_trigger = Trigger(
    "scoring-trigger",
    TriggerArgs(
        deployment_id="1300000000001",
        model_version_id="ver-0000000000000001",
        input_service_id="1400000000001",
        environment={"MODEL_API_URL": model_api.application_url},
        retry_count=3,
    ),
)
pulumi.export("scoring_trigger", {"id": scoring_trigger.trigger_id, "model_version": scoring_trigger.model_version})
# The model team's code studio in the sandbox's seeded DSS project, named after the API it works on
# (so it is created once the API exists). Its destroy pulls every zone back to DSS first.
model_ide = CodeStudio(
    "model-ide",
    CodeStudioArgs(
        project_key=config.get("dataikuProject") or "SANDBOX",
        name=model_api.name.apply(lambda name: f"{name}-ide"),
        template_id="vscode",
        timeout_seconds=120,
    ),
)
pulumi.export(
    "model_ide",
    {"id": model_ide.code_studio_id, "state": model_ide.state, "ports": model_ide.exposed_ports},
)
# The model API's URL as configuration on AppConfig: a hosted version in the sandbox's seeded
# profile, rolled out to its seeded environment by its quick strategy (complete at once). An `up`
# with the URL unchanged makes no version and starts no deployment.
api_config = HostedConfigurationVersion(
    "api-config",
    HostedConfigurationVersionArgs(
        application_id="mlpapp1",
        configuration_profile_id="mlpcfg1",
        content=pulumi.Output.json_dumps({"model_api_url": model_api.application_url}),
        description="model API endpoint",
    ),
)
api_config_rollout = Deployment(
    "api-config-rollout",
    DeploymentArgs(
        application_id="mlpapp1",
        environment_id="mlpenv1",
        deployment_strategy_id="mlpqck1",
        configuration_profile_id="mlpcfg1",
        configuration_version=api_config.version_number,
        description="model API endpoint",
        timeout_seconds=300,
    ),
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
