"""DSS's `documented` answers: what the reference (`dataiku-api.md` §4-§8) and dataiku-api-client
15.2.0 show for each route, and no more; DSS leaves null fields out of every answer."""

from __future__ import annotations

from typing import Any

from providers.sandbox.core.answers import keys, prune, without_nulls
from providers.sandbox.core.http import Request

FUTURE = keys("jobId hasResult result alive aborted unknown startTime runningTime progress")
DEFINITION = keys("id name owner templateId libName")
PROJECT = keys("projectKey name shortDesc projectStatus ownerLogin tags versionTag creationTag")
INFO = keys("messages anyMessage error warning success maxSeverity")
TABLE: dict[str, Any] = {
    "auth_info": keys("authIdentifier groups"),
    "list_projects": [PROJECT],
    "create_project": True,  # read as text and ignored by the client
    "get_project": PROJECT,
    "delete_project": FUTURE,
    "get_project_part": True,  # whole objects, PUT back as fetched
    "put_project_part": True,
    "list_code_studios": [keys("id name owner templateId", desc=keys("label shortDesc"))],
    "create_code_studio": {"codeStudio": DEFINITION},
    "get_code_studio": DEFINITION,
    "delete_code_studio": True,
    "code_studio_status": keys("state lastStateChange exposed", syncedZones=[keys("id")]),
    "restart_code_studio": FUTURE,
    "stop_code_studio": FUTURE,
    "change_owner": DEFINITION,
    "check_conflicts": {"error": True, "*": keys("added modified deleted authors commitFrom commitTo")},
    "pull_zone": True,
    "push_zone": keys("count size"),
    "list_templates": [keys("id label buildFor lastBuilt")],
    "create_template": keys("id messages"),
    "get_template": keys("type params allContainerConfs containerConfs"),
    "save_template": True,
    "delete_template": INFO,
    "build_template": FUTURE,
    "list_futures": [{**FUTURE, "payload": True}],
    "get_future": FUTURE,
    "abort_future": True,
}


def answer(route: str, request: Request, body: Any) -> Any:
    """A route's documented answer, nulls left out."""
    return without_nulls(prune(body, TABLE.get(route.removeprefix("dataiku."), True)))
