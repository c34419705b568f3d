"""Services from config: `services` maps a resource name to ServiceArgs inputs; `links` maps a
resource name to another whose application_url it receives as env var UPSTREAM_URL."""

import pulumi

from providers.peak import Service, ServiceArgs

config = pulumi.Config()
specs: dict = config.get_object("services") or {}
links: dict = config.get_object("links") or {}

created: dict[str, Service] = {}
for resource_name, inputs in specs.items():
    if resource_name in links:
        continue
    created[resource_name] = Service(resource_name, ServiceArgs(**inputs))
for resource_name, upstream in links.items():
    inputs = dict(specs[resource_name])
    env = dict(inputs.pop("env", {}))
    env["UPSTREAM_URL"] = created[upstream].application_url
    created[resource_name] = Service(resource_name, ServiceArgs(**inputs, env=env))

for resource_name, service in created.items():
    pulumi.export(
        resource_name,
        {
            "id": service.id,
            "name": service.name,
            "status": service.status,
            "version_id": service.version_id,
            "title": service.title,
            "env": service.env,
            "application_url": service.application_url,
        },
    )
