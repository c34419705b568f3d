import pulumi

from providers.peak import Service, ServiceArgs

api = Service(
    "scoring-api",
    ServiceArgs(
        name=f"scoring-api-{pulumi.get_stack()}",
        service_type="api",
        image_id=42,
        env={"MODEL": "gbm-v3"},
        health_check_url="/health",
        timeout_seconds=600,
    ),
)

pulumi.export("id", api.id)
pulumi.export("status", api.status)
pulumi.export("url", api.application_url)
