"""ML platform resources handed to the workloads that use them, as Kubernetes manifests.

The Kubernetes provider renders YAML into a directory (stack config `renderDirectory`) instead of
talking to a cluster: commit that directory to the GitOps repository Argo CD or Flux watches. The
model endpoint's URL and id reach a ConfigMap, and a Deployment reads the ConfigMap, so a change on
the platform side re-renders exactly the manifests that depend on it.
"""

import pulumi
import pulumi_kubernetes as k8s

from providers.peak import Service, ServiceArgs

config = pulumi.Config()
stack = pulumi.get_stack()
render_directory = config.require("renderDirectory")
health_path = config.get("healthPath") or "/health"

model_api = Service(
    "model-api",
    ServiceArgs(
        name=f"{stack}-scoring-api",
        service_type="api",
        image_id=config.get_int("imageId") or 42,
        health_check_url=health_path,
        title="Scoring model API",
    ),
)

renderer = k8s.Provider("gitops", render_yaml_to_directory=render_directory)
in_gitops = pulumi.ResourceOptions(provider=renderer)
labels = {"app": "scorer", "environment": stack}

endpoint = k8s.core.v1.ConfigMap(
    "model-endpoint",
    metadata={"name": "model-endpoint", "namespace": "default", "labels": labels},
    data={
        "MODEL_API_URL": model_api.application_url,
        "MODEL_API_HEALTH_URL": pulumi.Output.concat(model_api.application_url, model_api.health_check_url),
        "MODEL_API_ID": model_api.id,
    },
    opts=in_gitops,
)

scorer = k8s.apps.v1.Deployment(
    "scorer",
    metadata={"name": "scorer", "namespace": "default", "labels": labels},
    spec={
        "replicas": 2,
        "selector": {"match_labels": labels},
        "template": {
            "metadata": {"labels": labels},
            "spec": {
                "containers": [
                    {
                        "name": "scorer",
                        "image": "ghcr.io/example/scorer:1.4.2",
                        "env_from": [{"config_map_ref": {"name": endpoint.metadata["name"]}}],
                    }
                ]
            },
        },
    },
    opts=in_gitops,
)

pulumi.export("model_api_url", model_api.application_url)
pulumi.export("rendered_to", render_directory)
