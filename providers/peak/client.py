"""Thin Peak API client: one method per endpoint, wire models in, our errors out."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from ..core import ConfigError, Operation, Settings
from ..core.config import Credential, Setting, check_endpoint, describe_setting, endpoint, missing_setting
from ..core.error_bodies import error_cause, pages, parse_each
from ..core.transport import JsonApiClient, join_path
from .models import (
    PressDeploymentWire,
    PressReleaseWire,
    PressRevisionCreated,
    PressRevisionWire,
    PressSpecWire,
    ServiceSummary,
    ServiceTestResultWire,
    ServiceWire,
)

PLATFORM = "Peak"
STAGES = {"prod": "", "dev": "dev.", "latest": "dev.", "test": "test.", "beta": "beta.", "parvati": "parvati."}
SERVICES_PATH = ("webapps", "api", "v1", "webapps")
PRESS_VERSION = "v1"
PRESS_FAMILIES = {"app": "apps", "block": "blocks"}

T = TypeVar("T")

# The official SDK's variables, so a shell already set up for peak-sdk works unchanged.
API_KEY = Credential(
    "peak:apiKey",
    ("PEAK_AUTH_TOKEN", "API_KEY"),
    "API key or bearer token, sent raw in `Authorization`; set it as a secret.",
)
STAGE = Setting(
    "peak:stage",
    ("PEAK__STAGE", "STAGE"),
    "Stage whose hosts to use: prod (default), dev, latest, test, beta, parvati.",
)
ENDPOINT = Setting(
    "peak:endpoint",
    ("PEAK_ENDPOINT",),
    "URL template overriding the stage, with a `{subdomain}` slot for the "
    "service and press hosts (the sandbox prints one).",
)
CONFIG_DOCS = (API_KEY, STAGE, ENDPOINT)


def endpoint_for_stage(stage: str) -> str:
    if stage not in STAGES:
        raise ConfigError(f"configuring Peak provider: unknown stage {stage!r}; expected one of {', '.join(STAGES)}")
    return "https://{subdomain}." + STAGES[stage] + "peak.ai"


@dataclass(frozen=True)
class PeakConnection:
    """Where and how to reach Peak; ``endpoint`` is a URL template with a ``{subdomain}`` slot."""

    endpoint: str
    api_key: str = field(repr=False)  # the dataclass repr would print the key into tracebacks and logs

    @classmethod
    def from_settings(cls, settings: Settings) -> PeakConnection:
        """Stack config before the environment, setting by setting; the stack's `peak:stage` beats an
        endpoint from the environment, and a key from the stack config never goes to the
        environment's endpoint or stage."""
        api_key = settings.credential(API_KEY, platform=PLATFORM)
        if not api_key:
            raise missing_setting(PLATFORM, "API key", API_KEY, "key")
        key_from_config = settings.in_config(API_KEY)
        stage = settings.get(STAGE.key)
        url = settings.get(ENDPOINT.key) or (endpoint_for_stage(stage) if stage else None)
        url = url or endpoint(settings, PLATFORM, ENDPOINT, key_from_config)
        if not url:
            url = endpoint_for_stage(settings.get(STAGE.key if key_from_config else STAGE) or "prod")
        check_endpoint(settings, PLATFORM, url)
        return cls(endpoint=url.rstrip("/"), api_key=api_key)

    def host(self, subdomain: str) -> str:
        return self.endpoint.replace("{subdomain}", subdomain)


def _peak_wording(body: Mapping[str, Any]) -> str | None:
    detail = body.get("detail") or body.get("message")
    if isinstance(detail, str):
        return detail
    if isinstance(detail, list):
        # FastAPI-style validation errors: [{"loc": [...], "msg": ...}]
        return "; ".join(str(item.get("msg", item)) if isinstance(item, dict) else str(item) for item in detail)
    return None


def _list(values: Sequence[str] | None) -> list[str] | None:
    return list(values) if values else None


class PeakClient(JsonApiClient[PeakConnection]):
    """Peak Services API (service host ``/webapps/api/v1/webapps``)."""

    platform = PLATFORM
    connection_type = PeakConnection
    _read_error = staticmethod(partial(error_cause, wording=_peak_wording))

    def _authorization(self) -> tuple[str, Sequence[str], str]:
        # The platform takes the raw key, with no "Bearer " prefix.
        return self.connection.api_key, (self.connection.api_key,), describe_setting(API_KEY)

    def _services_url(self, *segments: str, trailing_slash: bool = False) -> str:
        return self.connection.host("service") + join_path(*SERVICES_PATH, *segments, trailing_slash=trailing_slash)

    def _pages(
        self, parse: Callable[[Any], T], op: Operation, url: str, query: Mapping[str, Any], keys: Sequence[str]
    ) -> Iterator[T]:
        """Every item of a paged list, numbered from 1 until `pageCount`; the first of `keys` holding a
        list in an answer holds its items. A `pageSize` in `query` keeps its place in the query."""

        def fetch(page: int) -> tuple[list[Any], int | None]:
            answer = self._call(op, "GET", url, query={**query, "pageNumber": page})
            items: list[Any] = next((answer[key] for key in keys if isinstance(answer.get(key), list)), [])
            return items, page + 1 if items and page < int(answer.get("pageCount") or 0) else None

        yield from parse_each(parse, pages(fetch, 1), op)

    def create_service(self, body: Mapping[str, Any]) -> str:
        op = self._op("creating", "Service", str(body.get("name", "")))
        return str(self._call(op, "POST", self._services_url(trailing_slash=True), body=dict(body))["id"])

    def get_service(self, service_id: str) -> ServiceWire:
        op = self._op("reading", "Service", service_id)
        return self._parsed(ServiceWire.model_validate, op, "GET", self._services_url(service_id))

    def update_service(self, service_id: str, body: Mapping[str, Any]) -> None:
        op = self._op("updating", "Service", service_id)
        self._call(op, "PATCH", self._services_url(service_id), body=dict(body))

    def delete_service(self, service_id: str) -> None:
        self._call(self._op("deleting", "Service", service_id), "DELETE", self._services_url(service_id))

    def iter_services(
        self,
        *,
        name: str | None = None,
        status: Sequence[str] | None = None,
        service_type: Sequence[str] | None = None,
        page_size: int = 100,
    ) -> Iterator[ServiceSummary]:
        """Every service matching the filters; ``name`` is the platform's substring search."""
        query = {
            "pageSize": page_size,
            "searchTerm": name,
            "status": _list(status),
            "serviceType": _list(service_type),
            "featureType": "services",
        }
        op = self._op("listing", "Service", name or "*")
        url = self._services_url(trailing_slash=True)
        yield from self._pages(ServiceSummary.model_validate, op, url, query, ("services", "webapps"))

    def test_service(
        self, service_name: str, http_method: str, path: str | None = None, payload: Any = None
    ) -> ServiceTestResultWire:
        op = self._op("testing", "Service", service_name)
        body = {"httpMethod": http_method, "path": path, "payload": payload}
        url = self._services_url(service_name, "test")
        return self._parsed(ServiceTestResultWire.model_validate, op, "POST", url, body=body)


class PeakPressClient(PeakClient):
    """Peak Press (press host ``/v1``): specs, releases, app and block deployments, revisions."""

    def _press_url(self, *segments: str, trailing_slash: bool = False) -> str:
        return self.connection.host("press") + join_path(PRESS_VERSION, *segments, trailing_slash=trailing_slash)

    def _family_url(self, family: str, collection: str, *segments: str, trailing_slash: bool = False) -> str:
        """`/v1/{apps|blocks}/{collection}/...`: `app` or `block` says which half of Press a call addresses."""
        if family not in PRESS_FAMILIES:
            raise ValueError(f"unknown Press family {family!r}; expected app or block")
        return self._press_url(PRESS_FAMILIES[family], collection, *segments, trailing_slash=trailing_slash)

    # ---- specs ------------------------------------------------------------------------------------

    def create_spec(
        self,
        family: str,
        spec: Mapping[str, Any],
        *,
        featured: bool | None = None,
        scope: str | None = None,
        tenants: Sequence[str] | None = None,
        parameters: Mapping[str, Any] | None = None,
        auto_run_on_deploy: bool | None = None,
        artifact: bytes | None = None,
    ) -> str:
        """Publish a spec with its first release; app specs go as JSON, block specs as multipart."""
        op = self._op("creating", "Spec", str((spec.get("metadata") or {}).get("name", "")))
        url = self._family_url(family, "specs", trailing_slash=True)
        # Both spec routes take the spec and its flags as JSON-encoded strings (multipart has no
        # other types, and the app route was made to match it). As the SDK (reference §4, §7b): an unset
        # featured or autoRunOnDeploy goes as "null"; the app route sends parameters "null" too, the block
        # route only given parameters; tenants only when there are some.
        fields: dict[str, Any] = {"spec": json.dumps(dict(spec)), "featured": json.dumps(featured), "scope": scope}
        if family == "app" or parameters:
            fields["parameters"] = json.dumps(parameters)
        if tenants:
            fields["tenants"] = json.dumps(list(tenants))
        if family == "block":
            fields["autoRunOnDeploy"] = json.dumps(auto_run_on_deploy)
        return str(self._send_spec(op, url, family, fields, artifact)["id"])

    def create_spec_release(
        self,
        family: str,
        spec_id: str,
        release: Mapping[str, Any],
        *,
        parameters: Mapping[str, Any] | None = None,
        auto_run_on_deploy: bool | None = None,
        artifact: bytes | None = None,
    ) -> str:
        """Publish a release (`{"release": {version, notes}, "config": ...}`); its version."""
        op = self._op("releasing", "Spec", spec_id)
        url = self._family_url(family, "specs", spec_id, "releases")
        if family == "app":
            answer = self._call(op, "POST", url, body={**release, "parameters": parameters})
        else:
            # As the SDK: parameters only when given; an unset autoRunOnDeploy goes as "null".
            fields = {"spec": json.dumps(dict(release)), "autoRunOnDeploy": json.dumps(auto_run_on_deploy)}
            if parameters:
                fields["parameters"] = json.dumps(parameters)
            answer = self._send_spec(op, url, family, fields, artifact)
        return str((answer.get("release") or {}).get("version") or release["release"]["version"])

    def _send_spec(
        self, op: Operation, url: str, family: str, fields: Mapping[str, Any], artifact: bytes | None
    ) -> Any:
        if family == "app":
            return self._call(op, "POST", url, body=dict(fields))
        # Every field a form part (a None filename makes a plain field), so the body is multipart
        # with or without an artifact, as the platform expects.
        parts: dict[str, Any] = {k: (None, v) for k, v in fields.items() if v is not None}
        if artifact is not None:
            parts["artifact"] = ("artifact.zip", artifact, "application/zip")
        # The session's JSON Content-Type is dropped so requests writes the multipart boundary.
        return self._call(op, "POST", url, files=parts, headers={"Content-Type": None})

    def get_spec(self, family: str, spec_id: str) -> PressSpecWire:
        op = self._op("reading", "Spec", spec_id)
        return self._parsed(PressSpecWire.model_validate, op, "GET", self._family_url(family, "specs", spec_id))

    def get_spec_release(self, family: str, spec_id: str, version: str) -> PressReleaseWire:
        op = self._op("reading", "Spec", f"{spec_id}@{version}")
        url = self._family_url(family, "specs", spec_id, "releases", version)
        return self._parsed(PressReleaseWire.model_validate, op, "GET", url)

    def update_spec_metadata(self, family: str, spec_id: str, body: Mapping[str, Any]) -> None:
        """`body` is `{"metadata": {...}, "featured", "scope", "tenants"}` (metadata nested)."""
        op = self._op("updating", "Spec", spec_id)
        # Not retried blindly: a repeat of an applied update is refused with "No changes detected".
        self._call(op, "PATCH", self._family_url(family, "specs", spec_id), body=dict(body))

    def delete_spec(self, family: str, spec_id: str) -> None:
        op = self._op("deleting", "Spec", spec_id)
        self._call(op, "DELETE", self._family_url(family, "specs", spec_id))

    def iter_specs(
        self,
        *,
        kind: Sequence[str] | None = None,
        scope: Sequence[str] | None = None,
        status: Sequence[str] | None = None,
        featured: bool | None = None,
        term: str | None = None,
        sort: Sequence[str] | None = None,
        page_size: int = 100,
    ) -> Iterator[PressSpecWire]:
        """Every app and block spec matching the filters (`/v1/specs/`)."""
        query = {
            "kind": _list(kind),
            "scope": _list(scope),
            "status": _list(status),
            "featured": None if featured is None else str(featured).lower(),
            "term": term,
            "sort": _list(sort),
            "pageSize": page_size,
        }
        op = self._op("listing", "Spec", term or "*")
        url = self._press_url("specs", trailing_slash=True)
        yield from self._pages(PressSpecWire.model_validate, op, url, query, ("specs",))

    def iter_family_specs(
        self, family: str, *, name: str | None = None, page_size: int = 100
    ) -> Iterator[PressSpecWire]:
        """App or block specs (`/v1/{apps|blocks}/specs/`); `name` is the platform's prefix match."""
        op = self._op("listing", "Spec", name or "*")
        url = self._family_url(family, "specs", trailing_slash=True)
        yield from self._pages(PressSpecWire.model_validate, op, url, {"name": name, "pageSize": page_size}, ("specs",))

    def iter_spec_releases(self, family: str, spec_id: str, page_size: int = 100) -> Iterator[PressReleaseWire]:
        """A spec's releases, newest first."""
        op = self._op("listing releases of", "Spec", spec_id)
        url = self._family_url(family, "specs", spec_id, "releases")
        yield from self._pages(PressReleaseWire.model_validate, op, url, {"pageSize": page_size}, ("releases",))

    def iter_spec_release_deployments(
        self,
        spec_id: str,
        *,
        version: str | None = None,
        status: Sequence[str] | None = None,
        name: str | None = None,
        sort: Sequence[str] | None = None,
        page_size: int = 100,
    ) -> Iterator[PressDeploymentWire]:
        """Deployments of a spec (of one release when `version`), by the release their latest revision uses."""
        query = {"version": version, "status": _list(status), "name": name, "sort": _list(sort), "pageSize": page_size}
        op = self._op("listing deployments of", "Spec", spec_id)
        url = self._press_url("specs", spec_id, "releases", "deployments")
        yield from self._pages(PressDeploymentWire.model_validate, op, url, query, ("deployments",))

    # ---- deployments ------------------------------------------------------------------------------

    def create_deployment(self, family: str, body: Mapping[str, Any]) -> str:
        op = self._op("creating", "PressDeployment", str((body.get("metadata") or {}).get("name", "")))
        url = self._family_url(family, "deployments", trailing_slash=True)
        return str(self._call(op, "POST", url, body=dict(body))["id"])

    def get_deployment(self, family: str, deployment_id: str) -> PressDeploymentWire:
        op = self._op("reading", "PressDeployment", deployment_id)
        url = self._family_url(family, "deployments", deployment_id)
        return self._parsed(PressDeploymentWire.model_validate, op, "GET", url)

    def update_deployment_metadata(
        self, family: str, deployment_id: str, body: Mapping[str, Any]
    ) -> PressDeploymentWire:
        """A flat body (`name`, `title`, `summary`, ...); no new revision. The updated deployment."""
        op = self._op("updating", "PressDeployment", deployment_id)
        url = self._family_url(family, "deployments", deployment_id)
        # The body holds absolute values, so sending it twice changes nothing more: safe to retry.
        return self._parsed(PressDeploymentWire.model_validate, op, "PATCH", url, body=dict(body), idempotent=True)

    def delete_deployment(self, family: str, deployment_id: str) -> None:
        op = self._op("deleting", "PressDeployment", deployment_id)
        self._call(op, "DELETE", self._family_url(family, "deployments", deployment_id))

    def create_deployment_revision(
        self, family: str, deployment_id: str, body: Mapping[str, Any]
    ) -> PressRevisionCreated:
        op = self._op("revising", "PressDeployment", deployment_id)
        url = self._family_url(family, "deployments", deployment_id, "revisions")
        return self._parsed(PressRevisionCreated.model_validate, op, "POST", url, body=dict(body))

    def get_deployment_revision(self, family: str, deployment_id: str, revision: int) -> PressRevisionWire:
        op = self._op("reading", "PressDeployment", f"{deployment_id}#{revision}")
        url = self._family_url(family, "deployments", deployment_id, "revisions", str(revision))
        return self._parsed(PressRevisionWire.model_validate, op, "GET", url)

    def iter_deployment_revisions(
        self, family: str, deployment_id: str, page_size: int = 100
    ) -> Iterator[PressRevisionWire]:
        """Revisions, newest first; the list key is `revisions` or (what the SDK reads) `deployments`."""
        op = self._op("listing revisions of", "PressDeployment", deployment_id)
        url = self._family_url(family, "deployments", deployment_id, "revisions")
        query = {"pageSize": page_size}
        yield from self._pages(PressRevisionWire.model_validate, op, url, query, ("revisions", "deployments"))

    def create_redeployment(self, family: str, deployment_id: str) -> PressRevisionCreated:
        """Deploy the latest revision again; the platform allows it only from `failed` or `warning`."""
        op = self._op("redeploying", "PressDeployment", deployment_id)
        url = self._family_url(family, "deployments", deployment_id, "redeploy")
        return self._parsed(PressRevisionCreated.model_validate, op, "POST", url, body={})

    def iter_deployments(
        self,
        family: str,
        *,
        name: str | None = None,
        status: Sequence[str] | None = None,
        sort: Sequence[str] | None = None,
        page_size: int = 100,
    ) -> Iterator[PressDeploymentWire]:
        """App or block deployments; `name` is the platform's prefix match."""
        query = {"name": name, "status": _list(status), "sort": _list(sort), "pageSize": page_size}
        op = self._op("listing", "PressDeployment", name or "*")
        url = self._family_url(family, "deployments", trailing_slash=True)
        yield from self._pages(PressDeploymentWire.model_validate, op, url, query, ("deployments",))
