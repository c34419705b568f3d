# mypy: ignore-errors
# (peak-sdk is installed only in the SDK virtualenv this script runs in.)
"""Drive the sandbox's Peak emulator with the official peak-sdk; print a JSON summary on stdout.

Runs in the separate SDK virtualenv (standard library + peak-sdk only), with MLP_SANDBOX_URL and
PEAK_AUTH_TOKEN set. Usage:

    python peak_services.py              # the full scenario; the test asserts on its summary
    python peak_services.py list-names   # the names of the services the SDK lists (JSON array)
"""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.request
from typing import Any

import peak.session
import peak.telemetry

SANDBOX_URL = os.environ["MLP_SANDBOX_URL"].rstrip("/")


def get_base_domain(stage: str, subdomain: str | None = "service") -> str:
    """Stands in for peak.helpers.get_base_domain: every stage goes to the sandbox."""
    return f"{SANDBOX_URL}/peak/{subdomain}"


# Both modules imported the function by name, so each binding is patched.
peak.session.get_base_domain = get_base_domain
peak.telemetry.get_base_domain = get_base_domain

from peak.resources import services  # noqa: E402  (after the patch, as the default session is built lazily)


def control(method: str, path: str, body: Any = None) -> Any:
    """Call the sandbox control plane."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{SANDBOX_URL}/_sandbox{path}", data=data, method=method, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"{}")


def statuses_until(client: Any, service_id: str, final: set[str], limit: int = 20) -> list[str]:
    """Describe until the status is one of `final`; the statuses seen, in order."""
    seen: list[str] = []
    for _ in range(limit):
        status = client.describe_service(service_id)["status"]
        seen.append(status)
        if status in final:
            return seen
        time.sleep(0.05)
    raise AssertionError(f"service {service_id} never reached {final}: {seen}")


def body(name: str, **extra: Any) -> dict[str, Any]:
    """A service create body."""
    return {"name": name, "title": name.title(), "imageDetails": {"imageId": 101, "versionId": 1}, **extra}


def exception_name(call: Any) -> str | None:
    """The class name of what `call()` raises, or None."""
    try:
        call()
    except Exception as error:
        return type(error).__name__
    return None


def scenario() -> dict[str, Any]:
    """Every Services operation the SDK offers, with the outcomes the test checks."""
    summary: dict[str, Any] = {}
    bad = exception_name(lambda: peak.session.Session(auth_token="not-a-sandbox-token"))
    summary["bad_token_exception"] = bad
    client = services.get_client()

    web_id = client.create_service(
        body("sdk-web", parameters={"env": {"A": "1"}, "secrets": ["s1"]}, resources={"instanceTypeId": 2})
    )["id"]
    summary["create_statuses"] = statuses_until(client, web_id, {"AVAILABLE"})
    described = client.describe_service(web_id)
    summary["described"] = {key: described[key] for key in ("name", "serviceType", "imageDetails", "parameters")}
    summary["described_has_application_url"] = bool(described.get("applicationUrl"))

    for name in ("sdk-page-a", "sdk-page-b", "sdk-page-c"):
        client.create_service(body(name))
    summary["listed_all_paged"] = sorted(s["name"] for s in client.list_services(page_size=2))
    summary["listed_filtered"] = sorted(
        s["name"] for s in client.list_services(name="sdk-page", status=["AVAILABLE"], service_type=["web-app"])
    )
    summary["listed_no_match"] = list(client.list_services(service_type=["shiny"]))
    summary["bad_status_filter"] = exception_name(lambda: list(client.list_services(status=["RUNNING"])))

    client.update_service(web_id, {"title": "Renamed"})
    summary["title_update_status"] = client.describe_service(web_id)["status"]
    summary["title_after_update"] = client.describe_service(web_id)["title"]

    control("PUT", "/transitions", {"mode": "reads", "value": 2, "platform": "peak"})
    client.update_service(web_id, {"imageDetails": {"imageId": 102}})
    summary["image_update_statuses"] = statuses_until(client, web_id, {"AVAILABLE"})

    summary["create_or_update_existing"] = client.create_or_update_service(body("sdk-web", description="patched"))
    summary["web_id"] = web_id
    # The body carries imageId 101 again (the service now runs 102), so the PATCH redeploys.
    summary["create_or_update_statuses"] = statuses_until(client, web_id, {"AVAILABLE"})
    summary["description_after_create_or_update"] = client.describe_service(web_id)["description"]
    new = client.create_or_update_service(body("sdk-new"))
    summary["create_or_update_new_is_new"] = new["id"] != web_id
    summary["bad_request"] = exception_name(lambda: client.create_service({"name": "Bad Name!"}))
    summary["duplicate"] = exception_name(lambda: client.create_service(body("sdk-web")))

    conflict_id = client.create_service(body("sdk-conflict"))["id"]
    summary["delete_while_creating"] = exception_name(lambda: client.delete_service(conflict_id))
    statuses_until(client, conflict_id, {"AVAILABLE"})
    control("PUT", "/transitions", {"mode": "immediate", "platform": "peak"})

    api_id = client.create_service(body("sdk-api", serviceType="api"))["id"]
    statuses_until(client, api_id, {"AVAILABLE"})
    tested = client.test_service("sdk-api", "post", path="/predict", payload={"x": 1})
    summary["test_response"] = {
        "responseStatus": tested["responseStatus"],
        "responseBody": json.loads(tested["responseBody"]),
        "responseSize": tested["responseSize"],
    }
    summary["test_web_app"] = exception_name(lambda: client.test_service("sdk-web", "get"))
    summary["test_unknown"] = exception_name(lambda: client.test_service("sdk-nope", "get"))

    control("POST", "/peak/failures", {"operation": "create", "name": "sdk-broken", "reason": "image pull failed"})
    broken_id = client.create_service(body("sdk-broken"))["id"]
    summary["failed_statuses"] = statuses_until(client, broken_id, {"AVAILABLE", "CREATE_FAILED"})
    summary["failed_last_error"] = client.describe_service(broken_id)["lastError"]

    client.delete_service(web_id)
    summary["after_delete"] = exception_name(lambda: client.describe_service(web_id))
    summary["names_at_end"] = sorted(s["name"] for s in client.list_services())
    return summary


def main() -> None:
    """Run the scenario, or list names with `list-names`."""
    if sys.argv[1:] == ["list-names"]:
        print(json.dumps([service["name"] for service in services.get_client().list_services()]))
        return
    print(json.dumps(scenario()))


if __name__ == "__main__":
    main()
