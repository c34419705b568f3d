import pulumi

from providers.abeja import Trigger, TriggerArgs, get_trigger_runs

# Defaults are the ids the sandbox seeds; a real stack sets its own in Pulumi.<stack>.yaml.
config = pulumi.Config()
deployment_id = config.get("deploymentId") or "1300000000001"

scorer = Trigger(
    "score-uploads",
    TriggerArgs(
        deployment_id=deployment_id,
        model_version_id=config.get("modelVersionId") or "ver-0000000000000001",
        input_service_id=config.get("inputChannelId") or "1400000000001",
        output_service_name="datalake",
        output_service_id=config.get("outputChannelId") or "1400000000002",
        retry_count=3,
        environment={
            "LOG_LEVEL": "info",
            # A secret value stays secret in state, in `environment` and in `user_env_vars`.
            "SCORING_API_KEY": config.get_secret("scoringApiKey") or pulumi.Output.secret("sandbox-scoring-key"),
        },
    ),
)

runs = get_trigger_runs(deployment_id, scorer.trigger_id)

pulumi.export("trigger_id", scorer.trigger_id)
pulumi.export("model_version", scorer.model_version)
pulumi.export("runs_so_far", runs.apply(len))
