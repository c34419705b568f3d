"""AppConfig's route table: moto's `url_paths` extended with the operations it lacks, and the route
names of the request log, both from botocore's model."""

from __future__ import annotations

import re

import botocore.session  # type: ignore[import-untyped]
from botocore import xform_name
from moto.appconfig import urls as moto_urls
from moto.appconfig.responses import AppConfigResponse

from providers.sandbox.appconfig.responses import SandboxAppConfigResponse

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
    """Route every AppConfig path to the extended responses class: moto's own, and the model's path of
    each operation only the extension serves. Runs at import of the sandbox's AppConfig package:
    moto builds its Flask app from this table on the first AppConfig request, and caches it."""
    for path in moto_urls.url_paths:
        moto_urls.url_paths[path] = SandboxAppConfigResponse.dispatch
    for name in MODEL.operation_names:
        if xform_name(name) in vars(SandboxAppConfigResponse) and not hasattr(AppConfigResponse, xform_name(name)):
            uri = MODEL.operation_model(name).http["requestUri"].split("?")[0]
            moto_urls.url_paths["{0}" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", uri) + "$"] = (
                SandboxAppConfigResponse.dispatch
            )
