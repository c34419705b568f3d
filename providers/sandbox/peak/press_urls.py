"""Peak Press's route table, on the press host (`/press` under `/peak`)."""

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


def routes(responses: PressResponses) -> list[Route]:
    """Every Press route, named `peak.press.<operation>` in the request log. Collection routes
    answer with and without the trailing slash."""
    r = responses
    return [
        Route("GET", rf"{V1}/specs/?", "peak.press.list_all_specs", r.list_all_specs),
        Route(
            "GET",
            rf"{V1}/specs/(?P<spec_id>{ID})/releases/deployments/?",
            "peak.press.list_spec_release_deployments",
            r.list_spec_release_deployments,
        ),
        Route(
            "GET",
            rf"{V1}/specs/(?P<spec_id>{ID})/releases/(?P<version>{ID})/deployments/?",
            "peak.press.list_spec_release_deployments",
            r.list_spec_release_deployments,
        ),
        Route("GET", rf"{SPECS}/?", "peak.press.list_specs", r.list_specs),
        Route("POST", rf"{SPECS}/?", "peak.press.create_spec", r.create_spec),
        Route("GET", SPEC, "peak.press.describe_spec", r.describe_spec),
        Route("PATCH", SPEC, "peak.press.update_spec", r.update_spec),
        Route("DELETE", SPEC, "peak.press.delete_spec", r.delete_spec),
        Route("GET", rf"{SPEC}/releases/?", "peak.press.list_releases", r.list_releases),
        Route("POST", rf"{SPEC}/releases/?", "peak.press.create_release", r.create_release),
        Route("GET", rf"{SPEC}/releases/(?P<version>{ID})", "peak.press.describe_release", r.describe_release),
        Route("GET", rf"{V1}/deployments/?", "peak.press.list_all_deployments", r.list_all_deployments),
        Route("POST", rf"{V1}/deployments/(?P<deployment_id>{ID})/execute", "peak.press.execute", r.execute),
        Route(
            "GET",
            rf"{V1}/deployments/(?P<deployment_id>{ID})/parameters/run",
            "peak.press.get_run_parameters",
            r.get_run_parameters,
        ),
        Route(
            "PATCH",
            rf"{V1}/deployments/(?P<deployment_id>{ID})/parameters/run",
            "peak.press.patch_run_parameters",
            r.patch_run_parameters,
        ),
        Route(
            "PATCH",
            rf"{PRESS_HOST}/v2/deployments/(?P<deployment_id>{ID})/parameters/run",
            "peak.press.patch_run_parameters_v2",
            r.patch_run_parameters_v2,
        ),
        Route("GET", rf"{DEPLOYMENTS}/?", "peak.press.list_deployments", r.list_deployments),
        Route("POST", rf"{DEPLOYMENTS}/?", "peak.press.create_deployment", r.create_deployment),
        Route("GET", DEPLOYMENT, "peak.press.describe_deployment", r.describe_deployment),
        Route("PATCH", DEPLOYMENT, "peak.press.update_deployment", r.update_deployment),
        Route("DELETE", DEPLOYMENT, "peak.press.delete_deployment", r.delete_deployment),
        Route("POST", rf"{DEPLOYMENT}/redeploy", "peak.press.redeploy", r.redeploy),
        Route("GET", rf"{DEPLOYMENT}/revisions/?", "peak.press.list_revisions", r.list_revisions),
        Route("POST", rf"{DEPLOYMENT}/revisions/?", "peak.press.create_revision", r.create_revision),
        Route(
            "GET", rf"{DEPLOYMENT}/revisions/(?P<revision>{ID})", "peak.press.describe_revision", r.describe_revision
        ),
    ]


def control_routes(responses: PressResponses) -> list[Route]:
    """Press's control-plane routes, relative to `/_sandbox/peak`."""
    return [Route("POST", r"/press/failures", "sandbox.peak.press.schedule_failure", responses.schedule_failure)]
