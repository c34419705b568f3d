"""Peak Press's route table, on the press host (`/press` under `/peak`). Collection routes answer with
and without the trailing slash."""

from __future__ import annotations

from providers.sandbox.core.http import Route
from providers.sandbox.peak.press_responses import PressResponses

PRESS_HOST = "/press"
V1 = PRESS_HOST + "/v1"
ID = r"[^/]+"
FAMILY = r"(?P<family>apps|blocks)"
SPECS = rf"{V1}/{FAMILY}/specs"
SPEC = rf"{SPECS}/(?P<spec_id>{ID})"
DEPLOYMENTS = rf"{V1}/{FAMILY}/deployments"
DEPLOYMENT = rf"{DEPLOYMENTS}/(?P<deployment_id>{ID})"
ANY_DEPLOYMENT = rf"{V1}/deployments/(?P<deployment_id>{ID})"
SPEC_RELEASES = rf"{V1}/specs/(?P<spec_id>{ID})/releases"


def routes(responses: PressResponses) -> list[Route]:
    """Every Press route, named `peak.press.<operation>` in the request log."""
    r = responses
    table = [
        ("GET", rf"{V1}/specs/?", "list_all_specs", r.list_specs),
        ("GET", rf"{SPEC_RELEASES}/deployments/?", "list_spec_release_deployments", r.list_deployments),
        (
            "GET",
            rf"{SPEC_RELEASES}/(?P<version>{ID})/deployments/?",
            "list_spec_release_deployments",
            r.list_deployments,
        ),
        ("GET", rf"{SPECS}/?", "list_specs", r.list_specs),
        ("POST", rf"{SPECS}/?", "create_spec", r.create_spec),
        ("GET", SPEC, "describe_spec", r.describe_spec),
        ("PATCH", SPEC, "update_spec", r.update_spec),
        ("DELETE", SPEC, "delete_spec", r.delete_spec),
        ("GET", rf"{SPEC}/releases/?", "list_releases", r.list_releases),
        ("POST", rf"{SPEC}/releases/?", "create_release", r.create_release),
        ("GET", rf"{SPEC}/releases/(?P<version>{ID})", "describe_release", r.describe_release),
        ("GET", rf"{V1}/deployments/?", "list_all_deployments", r.list_deployments),
        ("POST", rf"{ANY_DEPLOYMENT}/execute", "execute", r.execute),
        ("GET", rf"{ANY_DEPLOYMENT}/parameters/run", "get_run_parameters", r.get_run_parameters),
        ("PATCH", rf"{ANY_DEPLOYMENT}/parameters/run", "patch_run_parameters", r.patch_run_parameters),
        (
            "PATCH",
            rf"{PRESS_HOST}/v2/deployments/(?P<deployment_id>{ID})/parameters/run",
            "patch_run_parameters_v2",
            r.patch_run_parameters_v2,
        ),
        ("GET", rf"{DEPLOYMENTS}/?", "list_deployments", r.list_deployments),
        ("POST", rf"{DEPLOYMENTS}/?", "create_deployment", r.create_deployment),
        ("GET", DEPLOYMENT, "describe_deployment", r.describe_deployment),
        ("PATCH", DEPLOYMENT, "update_deployment", r.update_deployment),
        ("DELETE", DEPLOYMENT, "delete_deployment", r.delete_deployment),
        ("POST", rf"{DEPLOYMENT}/redeploy", "redeploy", r.redeploy),
        ("GET", rf"{DEPLOYMENT}/revisions/?", "list_revisions", r.list_revisions),
        ("POST", rf"{DEPLOYMENT}/revisions/?", "create_revision", r.create_revision),
        ("GET", rf"{DEPLOYMENT}/revisions/(?P<revision>{ID})", "describe_revision", r.describe_revision),
    ]
    return [Route(method, pattern, f"peak.press.{name}", handler) for method, pattern, name, handler in table]
