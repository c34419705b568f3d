"""Runs inside the abeja-sdk virtualenv (not the project's): drives the sandbox with the official SDK
and prints a JSON summary for tests/sandbox/test_abeja_sdk.py to check.

Environment: ABEJA_API_URL, PLATFORM_AUTH_TOKEN, ABEJA_ORGANIZATION_ID (as the sandbox exports them),
MLP_SANDBOX_URL (for the control plane), ABEJA_TEST_* (ids and credentials of the seeded fixtures).
"""

from __future__ import annotations

import json
import os
import sys
import urllib.request

import requests

# ABEJA_API_URL is read once, when abeja.common.connection is imported: it is set before this import.
from abeja.datalake import APIClient as DatalakeClient
from abeja.deployments import APIClient as DeploymentsClient
from abeja.exceptions import HttpError
from abeja.triggers import APIClient as TriggersClient

ORG = os.environ["ABEJA_ORGANIZATION_ID"]
SANDBOX = os.environ["MLP_SANDBOX_URL"]


def failure(call) -> str:
    try:
        call()
    except HttpError as error:
        return f"{type(error).__name__} {error.status_code} {error.error}"
    return "no error"


def file_arrived(channel_id: str, file_id: str) -> list[dict]:
    body = json.dumps({"organization_id": ORG, "channel_id": channel_id, "file_id": file_id}).encode()
    request = urllib.request.Request(
        f"{SANDBOX}/_sandbox/abeja/files", data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())["runs"]


def main() -> None:
    summary: dict = {}
    # max_retry_count stays at its default: the sandbox never answers 5xx here, so nothing is slept.
    deployments, datalake, triggers = DeploymentsClient(), DatalakeClient(), TriggersClient()

    deployment = deployments.create_deployment(ORG, "sdk-deployment", description="from the SDK")
    dep = deployment["deployment_id"]
    summary["deployment_triggers_at_start"] = deployment["triggers"]
    summary["deployment_listed"] = dep in [d["deployment_id"] for d in deployments.get_deployments(ORG)["entries"]]
    summary["patched_name"] = deployments.patch_deployment(ORG, dep, "sdk-renamed")["name"]
    summary["got_name"] = deployments.get_deployment(ORG, dep)["name"]

    version = deployments.create_deployment_version(ORG, dep, "0.1.0", "main:handler", "abeja-inc/all-cpu:19.10")
    ver = version["version_id"]
    summary["upload_status"] = requests.put(version["upload_url"], data=b"source tarball", timeout=30).status_code
    summary["version_got"] = deployments.get_deployment_version(ORG, dep, ver)["version"]
    summary["versions_listed"] = [v["version_id"] for v in deployments.get_deployment_versions(ORG, dep)["entries"]]
    summary["version_in_missing_deployment"] = failure(
        lambda: deployments.create_deployment_version(ORG, "1300000000099", "0.0.1", "h:h", "i")
    )

    channel = datalake.create_channel(ORG, "sdk-channel", "for the trigger", "datalake")["channel"]
    channel_id = channel["channel_id"]
    summary["channel_got"] = datalake.get_channel(ORG, channel_id)["channel"]["name"]
    listed = datalake.list_channels(ORG)
    summary["channels_listed"] = channel_id in [c["channel_id"] for c in listed["channels"]]
    summary["channels_has_next"] = listed["has_next"]

    model_id = os.environ["ABEJA_TEST_TRAINING_MODEL_ID"]
    trigger = triggers.create_trigger(
        ORG, dep, ver, "datalake", channel_id, retry_count=3, environment={"A": "1"}, model_id=model_id
    )
    tid = trigger["trigger_id"]
    summary["created"] = trigger
    summary["got_equals_created"] = triggers.get_trigger(ORG, dep, tid) == trigger
    summary["listed"] = [t["trigger_id"] for t in triggers.get_triggers(ORG, dep)["entries"]]
    summary["deployment_triggers"] = [t["trigger_id"] for t in deployments.get_deployment(ORG, dep)["triggers"]]
    bare = triggers.create_trigger(ORG, dep, ver, "datalake", channel_id)
    summary["bare"] = {k: bare[k] for k in ("retry_count", "user_env_vars", "models", "distribution")}
    # The SDK drops half an output pair silently (the provider refuses it in check instead).
    half = triggers.create_trigger(ORG, dep, ver, "datalake", channel_id, output_service_name="datalake")
    summary["half_output_pair"] = [half["output_service_name"], half["output_service_id"]]
    summary["bad_retry_count"] = failure(
        lambda: triggers.create_trigger(ORG, dep, ver, "datalake", channel_id, retry_count=10)
    )
    summary["unknown_version"] = failure(
        lambda: triggers.create_trigger(ORG, dep, "ver-ffffffffffffffff", "datalake", channel_id)
    )
    summary["missing_channel"] = failure(lambda: triggers.create_trigger(ORG, dep, ver, "datalake", "1400000000099"))
    summary["missing_deployment"] = failure(
        lambda: triggers.create_trigger(ORG, "1300000000099", ver, "datalake", channel_id)
    )
    summary["missing_organization"] = failure(lambda: triggers.get_triggers("1200000000099", dep))

    for name in ("bare", "half"):
        triggers.delete_trigger(ORG, dep, (bare if name == "bare" else half)["trigger_id"])
    started = [file_arrived(channel_id, f"file-{i:02d}")[0]["run_id"] for i in range(12)]
    first = triggers.get_trigger_runs(ORG, dep, tid, scan_forward=True)
    second = triggers.get_trigger_runs(ORG, dep, tid, next_page_token=first["next_page_token"], scan_forward=True)
    summary["runs_forward"] = [r["run_id"] for r in first["entries"] + second["entries"]] == started
    summary["runs_last_page_token"] = second.get("next_page_token")
    newest = triggers.get_trigger_runs(ORG, dep, tid)
    summary["runs_newest_first"] = newest["entries"][0]["run_id"] == started[-1]
    summary["run_fields"] = {
        k: newest["entries"][0][k] for k in ("trigger_id", "input_data", "user_env_vars", "retry_count", "models")
    }

    basic = TriggersClient(
        credential={"user_id": os.environ["ABEJA_TEST_USER_ID"], "personal_access_token": os.environ["ABEJA_TEST_PAT"]}
    )
    summary["basic_listed"] = [t["trigger_id"] for t in basic.get_triggers(ORG, dep)["entries"]]
    summary["bad_token"] = failure(lambda: TriggersClient(credential={"auth_token": "wrong"}).get_triggers(ORG, dep))
    summary["no_credentials"] = failure(lambda: TriggersClient(credential={}).get_triggers(ORG, dep))
    other = TriggersClient(credential={"auth_token": os.environ["ABEJA_TEST_OTHER_TOKEN"]})
    summary["other_organization"] = failure(lambda: other.get_triggers(ORG, dep))

    summary["deleted"] = triggers.delete_trigger(ORG, dep, tid)
    summary["after_delete"] = failure(lambda: triggers.get_trigger(ORG, dep, tid))
    summary["listed_after_delete"] = triggers.get_triggers(ORG, dep)["entries"]
    summary["version_deleted"] = deployments.delete_deployment_version(ORG, dep, ver)
    summary["deployment_deleted"] = deployments.delete_deployment(ORG, dep)
    summary["deployment_after_delete"] = failure(lambda: deployments.get_deployment(ORG, dep))
    json.dump(summary, sys.stdout)


if __name__ == "__main__":
    main()
