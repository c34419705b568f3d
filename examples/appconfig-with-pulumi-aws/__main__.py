import json

import pulumi
import pulumi_aws as aws

from providers.appconfig import Deployment, DeploymentArgs

# The AppConfig objects themselves come from pulumi-aws, as in most AWS stacks.
app = aws.appconfig.Application("features", name=f"features-{pulumi.get_stack()}")
env = aws.appconfig.Environment("env", application_id=app.id, name=pulumi.get_stack())
profile = aws.appconfig.ConfigurationProfile(
    "flags", application_id=app.id, name="flags", location_uri="hosted", type="AWS.Freeform"
)
version = aws.appconfig.HostedConfigurationVersion(
    "flags-v",
    application_id=app.id,
    configuration_profile_id=profile.configuration_profile_id,
    content_type="application/json",
    content=json.dumps({"new_checkout": True}),
)
strategy = aws.appconfig.DeploymentStrategy(
    "quick",
    name="quick",
    deployment_duration_in_minutes=0,
    growth_factor=100,
    final_bake_time_in_minutes=0,
    replicate_to="NONE",
)

# The rollout is ours: it waits until COMPLETE, fails with the reason on a rollback, and queues
# behind another deployment to the same environment instead of failing.
rollout = Deployment(
    "flags-rollout",
    DeploymentArgs(
        application_id=app.id,
        environment_id=env.environment_id,
        deployment_strategy_id=strategy.id,
        configuration_profile_id=profile.configuration_profile_id,
        configuration_version=version.version_number,
        description="feature flags",
        tags={"stack": pulumi.get_stack()},
        timeout_seconds=900,
    ),
)

pulumi.export("deployment_id", rollout.id)
pulumi.export("state", rollout.state)
pulumi.export("configuration_version", rollout.configuration_version)
