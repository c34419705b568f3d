"""ABEJA Platform's route table, relative to `/abeja`. Every path is also served with a trailing
slash: the SDK sends none, but users' tools and docstrings do."""

from __future__ import annotations

from providers.sandbox.abeja.responses import AbejaResponses
from providers.sandbox.core.http import Route

SEGMENT = r"[^/]+"
ORG = rf"/organizations/(?P<org>{SEGMENT})"
DEP = rf"{ORG}/deployments/(?P<dep>{SEGMENT})"
TRIGGER = rf"{DEP}/triggers/(?P<trigger>{SEGMENT})"
CHANNEL = rf"{ORG}/channels/(?P<channel>{SEGMENT})"


def routes(responses: AbejaResponses) -> list[Route]:
    """Every ABEJA route, named `abeja.<operation>` in the request log."""
    r = responses
    table = [
        ("GET", "/organizations", "list_organizations", r.list_organizations),
        ("GET", ORG, "get_organization", r.get_organization),
        ("POST", f"{ORG}/deployments", "create_deployment", r.create_deployment),
        ("GET", f"{ORG}/deployments", "list_deployments", r.list_deployments),
        ("GET", DEP, "get_deployment", r.get_deployment),
        ("PATCH", DEP, "patch_deployment", r.patch_deployment),
        ("DELETE", DEP, "delete_deployment", r.delete_deployment),
        ("POST", f"{DEP}/versions", "create_version", r.create_version),
        ("GET", f"{DEP}/versions", "list_versions", r.list_versions),
        ("GET", rf"{DEP}/versions/(?P<ver>{SEGMENT})", "get_version", r.get_version),
        ("DELETE", rf"{DEP}/versions/(?P<ver>{SEGMENT})", "delete_version", r.delete_version),
        ("GET", f"{DEP}/runs", "list_deployment_runs", r.runs),
        ("POST", f"{ORG}/channels", "create_channel", r.create_channel),
        ("GET", f"{ORG}/channels", "list_channels", r.list_channels),
        ("GET", CHANNEL, "get_channel", r.get_channel),
        ("POST", f"{CHANNEL}/archive", "archive_channel", r.archive_channel),
        ("POST", f"{CHANNEL}/unarchive", "unarchive_channel", r.unarchive_channel),
        ("POST", f"{DEP}/triggers", "create_trigger", r.create_trigger),
        ("GET", f"{DEP}/triggers", "list_triggers", r.list_triggers),
        ("GET", TRIGGER, "get_trigger", r.get_trigger),
        ("DELETE", TRIGGER, "delete_trigger", r.delete_trigger),
        ("PUT", TRIGGER, "update_trigger", r.method_not_allowed),
        ("PATCH", TRIGGER, "update_trigger", r.method_not_allowed),
        ("GET", f"{TRIGGER}/runs", "list_trigger_runs", r.runs),
    ]
    served = [Route(method, rf"{pattern}/?", f"abeja.{name}", handler) for method, pattern, name, handler in table]
    # The presigned upload URL a version create hands out: like S3's, it carries no credentials.
    upload = rf"/uploads/(?P<org>{SEGMENT})/(?P<dep>{SEGMENT})/(?P<ver>{SEGMENT})"
    served.append(Route("PUT", upload, "abeja.upload_source", r.upload_source, auth=False))
    return served


def control_routes(responses: AbejaResponses) -> list[Route]:
    """ABEJA's control-plane routes, relative to `/_sandbox/abeja`."""
    return [Route("POST", r"/files", "sandbox.abeja.file_arrived", responses.file_arrived)]
