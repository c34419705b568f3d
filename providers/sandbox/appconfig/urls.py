"""AppConfig's route table: moto's `url_paths` extended with the operations it lacks, the route names
of the request log, and the control-plane routes (`/_sandbox/appconfig/...`)."""

from __future__ import annotations

import re
from collections.abc import Callable

import botocore.session  # type: ignore[import-untyped]
from botocore import xform_name
from moto.appconfig import urls as moto_urls

from providers.sandbox.appconfig.responses import SandboxAppConfigResponse
from providers.sandbox.core.http import Request, Response, Route

APP = r"/applications/(?P<app_id>[^/]+)"
ENV = APP + r"/environments/(?P<environment_id>[^/]+)"

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

# Botocore's model is the API's documentation: every operation with its method and URI template.
MODEL = botocore.session.get_session().get_service_model("appconfig")
OPERATIONS = tuple(
    (
        http["method"],
        re.compile(re.sub(r"\{\w+(\+?)\}", lambda m: ".+" if m[1] else "[^/]+", http["requestUri"].split("?")[0])),
        name,
    )
    for name in MODEL.operation_names
    for http in [MODEL.operation_model(name).http]
)


def operation(method: str, path: str) -> str | None:
    """The model's name of the AppConfig operation a request calls (None: none)."""
    return next((name for verb, pattern, name in OPERATIONS if verb == method and pattern.fullmatch(path)), None)


def answers_json(method: str, path: str) -> bool:
    """Whether the operation a request calls answers a JSON document (not a blob, the hosted content)."""
    name = operation(method, path)
    output = MODEL.operation_model(name).output_shape if name else None
    return output is not None and not output.serialization.get("payload")


def route_name(method: str, path: str) -> str | None:
    """`appconfig.<operation>` for a request, as the request log names it (None: not an AppConfig route)."""
    if method == "POST" and path == "/":
        # STS (query protocol), which moto serves beside AppConfig: callers learn their account from it.
        return "sts.get_caller_identity"
    name = operation(method, path)
    return f"appconfig.{xform_name(name)}" if name else None


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
