"""ABEJA Platform's `documented` answers: what the reference (`abeja-api.md` §2, §5) and abeja-sdk
2.3.6's docstrings and tests show for each route, and no more. The organization routes are not in
the reference (nor in the SDK's trigger, deployment and datalake clients): their answers pass as they are."""

from __future__ import annotations

from typing import Any

from providers.sandbox.core.answers import keys

TRIGGER = keys(
    "trigger_id organization_id deployment_id model_version model_version_id models input_service_name"
    " input_service_id output_service_name output_service_id retry_count distribution user_env_vars"
    " created_at modified_at"
)
RUN = keys(
    "run_id trigger_id deployment_id model_version_id model_version models input_data output_template"
    " retry_count distribution status user_env_vars created_at modified_at"
)
RUNS = {"entries": [RUN], "next_page_token": True}
DEPLOYMENT = keys(
    "deployment_id name description creator default_environment runs services triggers created_at modified_at"
)
VERSION = keys(
    "deployment_id version version_id handler image user_parameters created_at modified_at training_job_id"
    " job_definition_id job_definition_version"
)
CHANNEL = keys("channel_id name display_name description storage_type archived created_at updated_at")
IN_ORGANIZATION = keys("organization_id organization_name created_at updated_at", channel=CHANNEL)
DELETED = keys("message")
TABLE: dict[str, Any] = {
    "abeja.list_organizations": True,
    "abeja.get_organization": True,
    "abeja.create_deployment": DEPLOYMENT,
    "abeja.list_deployments": {"entries": [DEPLOYMENT]},
    "abeja.get_deployment": DEPLOYMENT,
    "abeja.patch_deployment": DEPLOYMENT,
    "abeja.delete_deployment": DELETED,
    "abeja.create_version": {**VERSION, "upload_url": True},
    "abeja.list_versions": {"entries": [VERSION]},
    "abeja.get_version": VERSION,
    "abeja.delete_version": DELETED,
    "abeja.list_deployment_runs": RUNS,
    "abeja.create_channel": IN_ORGANIZATION,
    "abeja.list_channels": {**IN_ORGANIZATION, **keys("limit offset has_next"), "channels": [CHANNEL]},
    "abeja.get_channel": IN_ORGANIZATION,
    "abeja.archive_channel": IN_ORGANIZATION,
    "abeja.unarchive_channel": IN_ORGANIZATION,
    "abeja.create_trigger": TRIGGER,
    "abeja.list_triggers": {"entries": [TRIGGER]},
    "abeja.get_trigger": TRIGGER,
    "abeja.delete_trigger": DELETED,
    "abeja.update_trigger": True,
    "abeja.list_trigger_runs": RUNS,
    "abeja.upload_source": True,
}
