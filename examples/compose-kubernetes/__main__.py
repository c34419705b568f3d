"""ML platform resources handed to the workloads that use them, as Kubernetes manifests.

The Kubernetes provider renders YAML into a directory (stack config `renderDirectory`) instead of
talking to a cluster: commit that directory to the GitOps repository Argo CD or Flux watches. The
model endpoint (Peak), the trigger that scores arriving files (ABEJA), the team's code studio
(Dataiku) and the AppConfig environment the endpoint's configuration is rolled out to reach a
ConfigMap, and a Deployment reads the ConfigMap, so a change on the platform side re-renders exactly
the manifests that depend on it. The ids below are the sandbox's seeded fixtures.
"""

import pulumi
import pulumi_kubernetes as k8s

from providers.abeja import Trigger, TriggerArgs
from providers.appconfig import Deployment, DeploymentArgs, HostedConfigurationVersion, HostedConfigurationVersionArgs
from providers.dataiku import CodeStudio, CodeStudioArgs
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

scoring_trigger = Trigger(
    "scoring-trigger",
    TriggerArgs(
        deployment_id=config.get("abejaDeploymentId") or "1300000000001",
        model_version_id=config.get("abejaModelVersionId") or "ver-0000000000000001",
        input_service_id=config.get("abejaChannelId") or "1400000000001",
        environment={"MODEL_API_URL": model_api.application_url},
    ),
)

model_ide = CodeStudio(
    "model-ide",
    CodeStudioArgs(
        project_key=config.get("dataikuProject") or "SANDBOX",
        name=f"{stack}-scoring-ide",
        template_id="vscode",
        timeout_seconds=120,
    ),
)

endpoint_config = HostedConfigurationVersion(
    "endpoint-config",
    HostedConfigurationVersionArgs(
        application_id=config.get("appconfigApplication") or "mlpapp1",
        configuration_profile_id=config.get("appconfigProfile") or "mlpcfg1",
        content=pulumi.Output.json_dumps({"model_api_url": model_api.application_url}),
        description=f"{stack} model endpoint",
    ),
)
endpoint_rollout = Deployment(
    "endpoint-rollout",
    DeploymentArgs(
        application_id=endpoint_config.application_id,
        environment_id=config.get("appconfigEnvironment") or "mlpenv1",
        deployment_strategy_id=config.get("appconfigStrategy") or "mlpqck1",
        configuration_profile_id=endpoint_config.configuration_profile_id,
        configuration_version=endpoint_config.version_number,
        description=f"{stack} model endpoint",
        timeout_seconds=300,
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
        "SCORING_TRIGGER_ID": scoring_trigger.trigger_id,
        "MODEL_IDE_CODE_STUDIO_ID": model_ide.code_studio_id,
        "APPCONFIG_APPLICATION_ID": endpoint_rollout.application_id,
        "APPCONFIG_ENVIRONMENT_ID": endpoint_rollout.environment_id,
        "APPCONFIG_PROFILE_ID": endpoint_rollout.configuration_profile_id,
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
