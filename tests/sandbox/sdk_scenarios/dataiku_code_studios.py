# mypy: ignore-errors
# (dataiku-api-client is installed only in the SDK virtualenv this script runs in.)
"""Drive the sandbox's DSS emulator with the official dataiku-api-client; print a JSON summary on stdout.

Runs in the separate SDK virtualenv (standard library + dataiku-api-client + six), with
MLP_SANDBOX_URL, DKU_DSS_URL and DKU_API_KEY set. The client is used unchanged: no patching.
"""

from __future__ import annotations

import json
import os
import urllib.request
from typing import Any

import dataikuapi
from dataikuapi.utils import DataikuException

SANDBOX_URL = os.environ["MLP_SANDBOX_URL"].rstrip("/")


def control(method: str, path: str, body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{SANDBOX_URL}/_sandbox{path}", data=data, method=method, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"{}")


def main() -> dict[str, Any]:
    summary: dict[str, Any] = {}
    # A host with a trailing slash, as users type it: the client then sends //dip/publicapi/...
    client = dataikuapi.DSSClient(os.environ["DKU_DSS_URL"] + "/", os.environ["DKU_API_KEY"])
    summary["project_keys"] = client.list_project_keys()
    summary["templates"] = [t.id for t in client.list_code_studio_templates()]

    client.create_project("SDK_PROJ", "SDK project", "admin")
    summary["project_keys_after_create"] = sorted(client.list_project_keys())
    project = client.get_project("SANDBOX")

    studio = project.create_code_studio("sdk studio", "vscode")
    listed = project.list_code_studios()
    summary["listed"] = [(item.name, item.owner, item.template_id, item.template_label) for item in listed]
    settings = studio.get_settings()
    summary["settings"] = [settings.name, settings.owner, settings.template_id, bool(settings.lib_name)]
    summary["state_before"] = studio.get_status().state

    summary["start_result"] = studio.restart().wait_for_result()
    status = studio.get_status()
    summary["state_running"] = status.state
    summary["zones"] = status.get_zones(as_type="names")
    summary["last_state_change_set"] = status.last_state_change is not None

    control(
        "POST",
        "/dataiku/zones",
        {
            "project_key": "SANDBOX",
            "code_studio": "sdk studio",
            "zone": "recipes",
            "changed": ["recipes/clean.py"],
            "conflicts": {"modified": ["recipes/clean.py"], "authors": ["analyst"]},
        },
    )
    counted = {}
    for zone in status.get_zones(as_type="names"):
        conflicts = studio.check_conflicts(zone)
        counted[zone] = len(conflicts.added) + len(conflicts.modified) + len(conflicts.deleted)
        if zone == "recipes":
            summary["recipes_conflicts"] = {
                "modified": conflicts.modified,
                "authors": conflicts.authors,
                "is_error": conflicts.is_error,
            }
    summary["conflict_counts"] = {zone: n for zone, n in counted.items() if n}
    summary["unknown_zone_is_error"] = studio.check_conflicts("no-such-zone").is_error
    studio.pull_from_code_studio("recipes")
    summary["after_pull_conflicts"] = len(studio.check_conflicts("recipes").modified)
    summary["push"] = studio.push_to_code_studio("recipes")

    summary["owner_after_change"] = studio.change_owner("analyst")["owner"]
    summary["stop_result"] = studio.stop().wait_for_result()
    summary["state_stopped"] = studio.get_status().state
    summary["stop_again_result"] = studio.stop().wait_for_result()

    # A failed start: wait_for_result must end with the platform's error, not poll forever.
    control("POST", "/dataiku/failures", {"operation": "start", "name": "sdk studio", "message": "no node fits"})
    try:
        studio.restart().wait_for_result()
        summary["failed_start"] = None
    except DataikuException as error:
        summary["failed_start"] = str(error)

    # Futures finished inline (no jobId): wait_for_result returns with no poll.
    control("PUT", "/dataiku/settings", {"inline_futures": True})
    summary["inline_start"] = studio.restart().wait_for_result()
    control("PUT", "/dataiku/settings", {"inline_futures": False})
    summary["inline_state"] = studio.get_status().state
    studio.stop().wait_for_result()

    # Impersonation: a studio created as analyst through the admin key belongs to analyst.
    as_analyst = client.get_user("analyst").get_client_as()
    hers = as_analyst.get_project("SANDBOX").create_code_studio("hers", "jupyterlab")
    summary["impersonated_owner"] = hers.get_settings().owner
    hers.delete()

    studio.delete()
    summary["listed_after_delete"] = [item.name for item in project.list_code_studios()]
    try:
        studio.get_settings()
        summary["deleted_get"] = None
    except DataikuException as error:
        summary["deleted_get"] = str(error).split(":", 1)[0]

    summary["project_delete"] = client.get_project("SDK_PROJ").delete().wait_for_result() is not None
    summary["project_keys_after_delete"] = client.list_project_keys()

    try:
        dataikuapi.DSSClient(os.environ["DKU_DSS_URL"], "not-a-key").list_project_keys()
        summary["bad_key"] = None
    except DataikuException as error:
        summary["bad_key"] = str(error)
    return summary


if __name__ == "__main__":
    print(json.dumps(main()))
