"""A Service, a block deployment and an app deployment wired to the service's application_url.
Config: `block` and `app` hold extra PressDeploymentArgs inputs (e.g. title, release_version)."""

import pulumi

from providers.peak import PressDeployment, PressDeploymentArgs, Service, ServiceArgs

config = pulumi.Config()
block_extra: dict = config.get_object("block") or {}
app_extra: dict = config.get_object("app") or {}

api = Service("api", ServiceArgs(name="press-api", service_type="api", image_id=3))
block = PressDeployment(
    "block",
    PressDeploymentArgs(
        **{
            "kind": "block",
            "spec_id": "5eed0000-b10c-4000-8000-000000000001",
            "release_version": "1.0.0",
            "name": "press-block",
            "summary": "a block",
            **block_extra,
        }
    ),
)
app = PressDeployment(
    "app",
    PressDeploymentArgs(
        **{
            "kind": "app",
            "spec_id": "5eed0000-a990-4000-8000-000000000002",
            "release_version": "1.0.0",
            "name": "press-app",
            "summary": "an app",
            "run_parameters": {"api_url": api.application_url},
            **app_extra,
        }
    ),
)

pulumi.export("block", {"id": block.id, "status": block.status, "revision": block.revision, "title": block.title})
pulumi.export(
    "app",
    {
        "id": app.id,
        "status": app.status,
        "revision": app.revision,
        "run_parameters": app.run_parameters,
        "blocks": app.blocks,
        "release_version": app.release_version,
    },
)
pulumi.export("api_url", api.application_url)
