"""Dataiku DSS's route table, relative to `/dataiku`.

The API is served under both prefixes DSS answers on: `/dip/publicapi` (the official Python
client) and `/public/api` (the docs, the VS Code extension). Repeated slashes are accepted
anywhere (a host configured with a trailing `/` produces `//dip/publicapi`), and collection
routes answer with or without their trailing slash.
"""

from __future__ import annotations

import re

from providers.sandbox.core.http import Route
from providers.sandbox.dataiku.responses import DataikuResponses

PREFIX = r"/+(?:dip/+publicapi|public/+api)"


def api(path: str) -> str:
    """The regex of an API path: `{name}` is one path segment, `/` stands for one or more slashes,
    and a trailing `/` is optional."""
    collection = path.endswith("/")
    pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path.rstrip("/"))
    return PREFIX + pattern.replace("/", "/+") + ("/*" if collection else "")


def routes(responses: DataikuResponses) -> list[Route]:
    """Every DSS route, named `dataiku.<operation>` in the request log."""
    r = responses
    cs = "/projects/{pk}/code-studios"
    table = [
        ("GET", "/auth/info", "auth_info", r.auth_info),
        ("GET", "/projects/", "list_projects", r.list_projects),
        ("POST", "/projects/", "create_project", r.create_project),
        ("GET", cs + "/", "list_code_studios", r.list_code_studios),
        ("POST", cs + "/", "create_code_studio", r.create_code_studio),
        ("GET", cs + "/{id}", "get_code_studio", r.get_code_studio),
        ("DELETE", cs + "/{id}", "delete_code_studio", r.delete_code_studio),
        ("GET", cs + "/{id}/status", "code_studio_status", r.code_studio_status),
        ("POST", cs + "/{id}/restart", "restart_code_studio", r.restart_code_studio),
        ("POST", cs + "/{id}/stop", "stop_code_studio", r.stop_code_studio),
        ("POST", cs + "/{id}/change-owner", "change_owner", r.change_owner),
        ("GET", cs + "/{id}/conflicts/{zone}", "check_conflicts", r.conflicts),
        ("GET", cs + "/{id}/pull/{zone}", "pull_zone", r.pull),
        ("GET", cs + "/{id}/push/{zone}", "push_zone", r.push),
        ("GET", "/projects/{pk}", "get_project", r.get_project),
        ("DELETE", "/projects/{pk}", "delete_project", r.delete_project),
        ("GET", "/admin/code-studios/", "list_templates", r.list_templates),
        ("POST", "/admin/code-studios/", "create_template", r.create_template),
        ("GET", "/admin/code-studios/{tid}", "get_template", r.get_template),
        ("DELETE", "/admin/code-studios/{tid}", "delete_template", r.delete_template),
        ("PUT", "/admin/code-studios/{tid}", "save_template", r.save_template),
        ("POST", "/admin/code-studios/{tid}/build", "build_template", r.build_template),
        ("GET", "/futures/", "list_futures", r.list_futures),
        ("GET", "/futures/{job_id}", "get_future", r.get_future),
        ("DELETE", "/futures/{job_id}", "abort_future", r.abort_future),
    ]
    parts = PREFIX + r"/+projects/+(?P<pk>[^/]+)/+(?P<part>metadata|settings|permissions)"
    return [
        *(Route(method, api(path), f"dataiku.{name}", handler) for method, path, name, handler in table),
        Route("GET", parts, "dataiku.get_project_part", r.get_project_part),
        Route("PUT", parts, "dataiku.put_project_part", r.put_project_part),
    ]


def control_routes(responses: DataikuResponses) -> list[Route]:
    """DSS's control-plane routes, relative to `/_sandbox/dataiku`."""
    return [
        Route("POST", r"/zones", "sandbox.dataiku.put_zone", responses.put_zone),
        Route("PUT", r"/settings", "sandbox.dataiku.configure", responses.configure),
    ]
