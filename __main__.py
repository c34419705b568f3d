"""The demo stack: a model API on Peak, and a dashboard that is handed the API's URL.

The dashboard's env takes the API service's `application_url` output, so the engine creates the
API first and previews the dashboard with an unknown value until then.
"""

import pulumi

from providers.peak import Service, ServiceArgs, run_service_test

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

# demo: peak PressDeployment
# demo: abeja Trigger
# demo: dataiku CodeStudio
# demo: appconfig Deployment

health = run_service_test(model_api.name, "get", "/health")

pulumi.export("model_api", {"id": model_api.id, "status": model_api.status, "url": model_api.application_url})
pulumi.export(
    "dashboard",
    {"id": dashboard.id, "status": dashboard.status, "url": dashboard.application_url, "env": dashboard.env},
)
pulumi.export("model_api_health", health)
