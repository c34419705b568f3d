import pulumi

from providers.peak import Service, ServiceArgs

features = Service("features", ServiceArgs(name=f"features-{pulumi.get_stack()}", service_type="api", image_id=7))

app = Service(
    "app",
    ServiceArgs(
        name=f"app-{pulumi.get_stack()}",
        image_id=8,
        env={"FEATURES_URL": features.application_url, "FEATURES_ID": features.id},
    ),
)

pulumi.export("features_url", features.application_url)
pulumi.export("app_env", app.env)
