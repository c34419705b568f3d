"""AppConfig's route table: moto's `url_paths` extended with the operations it lacks, the route names
of the request log, and the control-plane routes (`/_sandbox/appconfig/...`)."""

from __future__ import annotations

import re
from collections.abc import Callable

from moto.appconfig import urls as moto_urls

from providers.sandbox.appconfig.responses import SandboxAppConfigResponse
from providers.sandbox.core.http import Request, Response, Route

APP = r"/applications/(?P<app_id>[^/]+)"
ENV = APP + r"/environments/(?P<environment_id>[^/]+)"
PROFILE = APP + r"/configurationprofiles/(?P<config_profile_id>[^/]+)"

# Added to moto's table (its keys are regexes with a `{0}` slot for the host).
EXTRA_URL_PATHS = (
    "{0}" + APP + "/environments$",
    "{0}" + ENV + "$",
    "{0}" + ENV + "/deployments$",
    "{0}" + ENV + r"/deployments/(?P<deployment_number>[^/]+)$",
    "{0}/deploymentstrategies$",
    "{0}/deploymentstrategies/(?P<deployment_strategy_id>[^/]+)$",
    # The platform's own spelling of DeleteDeploymentStrategy's path.
    "{0}/deployementstrategies/(?P<deployment_strategy_id>[^/]+)$",
)

# (method, path regex, route name) for every AppConfig operation the sandbox serves.
ROUTE_NAMES: tuple[tuple[str, str, str], ...] = (
    ("GET", r"/applications", "list_applications"),
    ("POST", r"/applications", "create_application"),
    ("GET", APP, "get_application"),
    ("PATCH", APP, "update_application"),
    ("DELETE", APP, "delete_application"),
    ("GET", APP + r"/environments", "list_environments"),
    ("POST", APP + r"/environments", "create_environment"),
    ("GET", ENV, "get_environment"),
    ("PATCH", ENV, "update_environment"),
    ("DELETE", ENV, "delete_environment"),
    ("GET", ENV + r"/deployments", "list_deployments"),
    ("POST", ENV + r"/deployments", "start_deployment"),
    ("GET", ENV + r"/deployments/[^/]+", "get_deployment"),
    ("DELETE", ENV + r"/deployments/[^/]+", "stop_deployment"),
    ("GET", r"/deploymentstrategies", "list_deployment_strategies"),
    ("POST", r"/deploymentstrategies", "create_deployment_strategy"),
    ("GET", r"/deploymentstrategies/[^/]+", "get_deployment_strategy"),
    ("PATCH", r"/deploymentstrategies/[^/]+", "update_deployment_strategy"),
    ("DELETE", r"/deployementstrategies/[^/]+", "delete_deployment_strategy"),
    ("GET", APP + r"/configurationprofiles", "list_configuration_profiles"),
    ("POST", APP + r"/configurationprofiles", "create_configuration_profile"),
    ("GET", PROFILE, "get_configuration_profile"),
    ("PATCH", PROFILE, "update_configuration_profile"),
    ("DELETE", PROFILE, "delete_configuration_profile"),
    ("GET", PROFILE + r"/hostedconfigurationversions", "list_hosted_configuration_versions"),
    ("POST", PROFILE + r"/hostedconfigurationversions", "create_hosted_configuration_version"),
    ("GET", PROFILE + r"/hostedconfigurationversions/[^/]+", "get_hosted_configuration_version"),
    ("DELETE", PROFILE + r"/hostedconfigurationversions/[^/]+", "delete_hosted_configuration_version"),
    ("GET", r"/tags/.+", "list_tags_for_resource"),
    ("POST", r"/tags/.+", "tag_resource"),
    ("DELETE", r"/tags/.+", "untag_resource"),
)
_COMPILED = tuple((method, re.compile(pattern), name) for method, pattern, name in ROUTE_NAMES)


def route_name(method: str, path: str) -> str | None:
    """`appconfig.<operation>` for a request, as the request log names it (None: not an AppConfig route)."""
    if method == "POST" and path == "/":
        # STS (query protocol), which moto serves beside AppConfig: callers learn their account from it.
        return "sts.get_caller_identity"
    for route_method, pattern, name in _COMPILED:
        if route_method == method and pattern.fullmatch(path):
            return f"appconfig.{name}"
    return None


def install() -> None:
    """Route every AppConfig path, moto's and the added ones, to the extended responses class.

    Moto builds its Flask app from this table on the first AppConfig request and caches it, so
    this runs at import time of the sandbox's AppConfig package, before any server starts.
    """
    for path in (*moto_urls.url_paths, *EXTRA_URL_PATHS):
        moto_urls.url_paths[path] = SandboxAppConfigResponse.dispatch


def control_routes(
    set_clock: Callable[[Request], Response],
    get_clock: Callable[[Request], Response],
    alarm: Callable[[Request], Response],
) -> list[Route]:
    """AppConfig's control-plane routes, relative to `/_sandbox/appconfig`."""
    return [
        Route("PUT", r"/clock", "sandbox.appconfig.set_clock", set_clock),
        Route("GET", r"/clock", "sandbox.appconfig.get_clock", get_clock),
        Route("POST", r"/alarm", "sandbox.appconfig.alarm", alarm),
    ]
