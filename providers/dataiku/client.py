"""Thin Dataiku DSS public API client: one method per endpoint, wire models in, our errors out.

Unlike the official client this one encodes every path segment, sends `Content-Type`, has a
timeout on every call, keeps the status code, verifies TLS by default, and never waits on a future
without a deadline (futures are followed by the resources, see ``code_studio.py``).
"""

from __future__ import annotations

import base64
import os
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..core import ConfigError, FailedStateError, NotFoundError, Operation, ServerError, Settings
from ..core.config import Credential, Setting, check_endpoint, describe_setting, endpoint, missing_setting
from ..core.error_bodies import error_cause, parse_answer, parse_each
from ..core.retry import call_with_retries
from ..core.transport import IDEMPOTENT_METHODS, JsonApiClient, join_path
from .models import (
    CodeStudioDefinition,
    CodeStudioItem,
    CodeStudioStatus,
    FutureState,
    ProjectSummary,
    TemplateItem,
    TemplateSettings,
    ZoneConflicts,
)

PLATFORM = "Dataiku"
API_PREFIX = "/public/api"

# Dataiku's own variables (as set inside DSS and by its tooling), so a configured shell works unchanged.
URL = Setting("dataiku:url", ("DKU_DSS_URL",), "Base URL of the DSS instance, e.g. `https://dss.example.com:11200`.")
API_KEY = Credential(
    "dataiku:apiKey", ("DKU_API_KEY",), "API key; a personal key of the user who should own the code studios. Secret."
)
CA_BUNDLE = Setting(
    "dataiku:caBundle",
    ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"),
    "PEM file of the CA certificates to trust for the instance's TLS certificate.",
)
CLIENT_CERT = Setting(
    "dataiku:clientCertificate", (), "PEM client certificate to present (mutual TLS); may hold the key too."
)
CLIENT_KEY = Setting(
    "dataiku:clientKey", (), "PEM private key of the client certificate, when not in the certificate file."
)
CONFIG_DOCS = (URL, API_KEY, CA_BUNDLE, CLIENT_CERT, CLIENT_KEY)

# DSS answers "no such object" with 404 or, often, 500: told by the error body's `errorType` (the
# exception class), or by its `message` saying the object does not exist (reference §3b).
MISSING_ERROR_TYPES = frozenset({"UnknownObjectException", "NotFoundException"})
MISSING_MESSAGE = re.compile(r"\b(?:does not|doesn't|doesn\u2019t|do not|don't) exist\b", re.IGNORECASE)


@dataclass(frozen=True)
class DataikuConnection:
    """Where and how to reach DSS. TLS is verified unless a CA bundle replaces the default trust."""

    url: str
    api_key: str = field(repr=False)  # the repr shows the URL alone
    ca_bundle: str | None = field(default=None, repr=False)
    client_certificate: str | None = field(default=None, repr=False)
    client_key: str | None = field(default=None, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> DataikuConnection:
        """Stack config before the environment; an API key from the stack config never goes to a
        URL from the environment."""
        api_key = settings.credential(API_KEY, platform=PLATFORM)
        key_from_config = settings.in_config(API_KEY)
        url = endpoint(settings, PLATFORM, URL, key_from_config)
        if not url:
            unused = f" ({URL.env[0]} is not used with the stack config's {API_KEY.key})"
            raise missing_setting(PLATFORM, "DSS URL", URL, "url", unused if key_from_config else None)
        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"configuring Dataiku provider: dataiku:url must be an http(s) URL, got {url!r}")
        if not api_key:
            raise missing_setting(PLATFORM, "API key", API_KEY, "key")
        check_endpoint(settings, PLATFORM, url)
        connection = cls(
            url=url.rstrip("/"),
            api_key=api_key,
            ca_bundle=settings.get(CA_BUNDLE),
            client_certificate=settings.get(CLIENT_CERT),
            client_key=settings.get(CLIENT_KEY),
        )
        connection.check_files()
        return connection

    def check_files(self) -> None:
        for key, path in (
            (CA_BUNDLE.key, self.ca_bundle),
            (CLIENT_CERT.key, self.client_certificate),
            (CLIENT_KEY.key, self.client_key),
        ):
            if path and not os.path.isfile(path):
                raise ConfigError(f"configuring Dataiku provider: {key} names {path!r}, which is not a readable file")
        if self.client_key and not self.client_certificate:
            raise ConfigError(f"configuring Dataiku provider: {CLIENT_KEY.key} is set without {CLIENT_CERT.key}")

    @property
    def verify(self) -> bool | str:
        """requests' ``verify``: True (the default trust store) or the CA bundle's path; never off."""
        return self.ca_bundle or True

    @property
    def cert(self) -> str | tuple[str, str] | None:
        if self.client_certificate and self.client_key:
            return (self.client_certificate, self.client_key)
        return self.client_certificate


def _dss_wording(body: Mapping[str, Any]) -> str:
    """`<exception class>: <detailedMessage or message>`, as DSS's own client reports it."""
    message = body.get("detailedMessage") or body.get("message") or "no message"
    error_type = str(body.get("errorType") or "")
    return f"{error_type.rsplit('.', 1)[-1]}: {message}" if error_type else str(message)


def missing_object(status: int, body: Any) -> bool:
    """Whether DSS's error answer says the object asked for does not exist: a 404, an `errorType` naming
    DSS's unknown-object exception, or a 500 whose `message` says it does not exist
    (`IllegalArgumentException: Code studio x does not exist`). Any other 500 is a failure, whatever
    its text mentions."""
    if not isinstance(body, dict):
        return status == 404
    error_type = str(body.get("errorType") or "").rsplit(".", 1)[-1]
    message = body.get("message")
    says_missing = status == 500 and isinstance(message, str) and MISSING_MESSAGE.search(message) is not None
    return status == 404 or error_type in MISSING_ERROR_TYPES or says_missing


class DataikuClient(JsonApiClient[DataikuConnection]):
    """DSS public API (``<url>/public/api``): projects, code studio templates, code studios, futures."""

    platform = PLATFORM
    connection_type = DataikuConnection

    # Whether the last error answer on this thread said "missing" (the error keeps only its text); each
    # attempt clears it before sending, so one per thread serves every client.
    _answers = threading.local()

    def _authorization(self) -> tuple[str, Sequence[str], str]:
        # The key as the Basic user name with an empty password, as DSS's own client sends it.
        encoded = base64.b64encode(f"{self.connection.api_key}:".encode()).decode("ascii")
        return f"Basic {encoded}", (self.connection.api_key, encoded), describe_setting(API_KEY)

    def _read_error(self, response: Any) -> str:
        try:
            body = response.json()
        except ValueError:
            body = None
        self._answers.missing = missing_object(response.status_code, body)
        return error_cause(response, _dss_wording)

    # ---- plumbing -----------------------------------------------------------------------------

    def _url(self, *segments: str, trailing_slash: bool = False) -> str:
        return self.connection.url + API_PREFIX + join_path(*segments, trailing_slash=trailing_slash)

    def _call(
        self, op: Operation, method: str, url: str, *, idempotent: bool | None = None, task: bool = False, **send: Any
    ) -> Any:
        """One call (``query=``, ``body=``) through the shared retry loop; with ``task`` a 500 is the task's own
        failure, and otherwise "missing" answered as a 500 becomes NotFoundError at once (never retried)."""

        def once() -> Any:
            self._answers.missing = False
            try:
                connection = self.connection
                return self.transport.send_once(op, method, url, verify=connection.verify, cert=connection.cert, **send)
            except ServerError as error:
                if task and error.status == 500:
                    raise FailedStateError(error.cause.removeprefix("500: "), op) from None
                if self._answers.missing:
                    raise NotFoundError(error.cause, op, error.status) from None
                raise

        safe = method in IDEMPOTENT_METHODS if idempotent is None else idempotent
        return call_with_retries(op, once, idempotent=safe)

    # ---- identity and projects ----------------------------------------------------------------

    def get_auth_info(self) -> dict[str, Any]:
        """Who the API key is: at least ``authIdentifier``."""
        return dict(self._call(self._op("reading", "identity", "auth info"), "GET", self._url("auth", "info")))

    def iter_projects(self) -> Iterator[ProjectSummary]:
        op = self._op("listing", "Project", "*")
        answer = self._call(op, "GET", self._url("projects", trailing_slash=True))
        yield from parse_each(ProjectSummary.model_validate, answer, op)

    def get_project(self, project_key: str) -> ProjectSummary:
        op = self._op("reading", "Project", project_key)
        return self._parsed(ProjectSummary.model_validate, op, "GET", self._url("projects", project_key))

    def create_project(self, project_key: str, name: str, owner: str) -> None:
        op = self._op("creating", "Project", project_key)
        body = {"projectKey": project_key, "name": name, "owner": owner}
        self._call(op, "POST", self._url("projects", trailing_slash=True), body=body)

    def delete_project(self, project_key: str, wait: bool = True) -> FutureState:
        op = self._op("deleting", "Project", project_key)
        query = {"clearJobAndScenarioLogs": "true", "wait": "true" if wait else "false"}
        return self._parsed(FutureState.model_validate, op, "DELETE", self._url("projects", project_key), query=query)

    # ---- code studio templates (administrators' keys) ------------------------------------------

    def _template_url(self, *segments: str) -> str:
        return self._url("admin", "code-studios", *segments, trailing_slash=not segments)

    def iter_code_studio_templates(self) -> Iterator[TemplateItem]:
        op = self._op("listing", "CodeStudioTemplate", "*")
        yield from parse_each(TemplateItem.model_validate, self._call(op, "GET", self._template_url()), op)

    def create_code_studio_template(self, label: str, template_type: str) -> str:
        """The new template's id; DSS's info messages flagging an error fail the call."""
        op = self._op("creating", "CodeStudioTemplate", label)
        answer = self._call(op, "POST", self._template_url(), body={"label": label, "type": template_type})
        messages = answer.get("messages")
        if isinstance(messages, dict) and messages.get("error"):
            raise FailedStateError(f"DSS refused the template: {messages.get('messages')}", op)
        return str(answer["id"])

    def get_code_studio_template(self, template_id: str) -> TemplateSettings:
        op = self._op("reading", "CodeStudioTemplate", template_id)
        return self._parsed(TemplateSettings.model_validate, op, "GET", self._template_url(template_id))

    def update_code_studio_template(self, template_id: str, settings: TemplateSettings) -> None:
        """Save the whole settings object, as DSS requires."""
        op = self._op("updating", "CodeStudioTemplate", template_id)
        self._call(op, "PUT", self._template_url(template_id), body=settings.wire())

    def delete_code_studio_template(self, template_id: str, delete_runtimes: bool = False) -> None:
        """``delete_runtimes`` also deletes the runtimes of every code studio built from the template
        (anyone's) and its images. Off by default, as DSS's own client sends it."""
        op = self._op("deleting", "CodeStudioTemplate", template_id)
        flag = "true" if delete_runtimes else "false"
        self._call(op, "DELETE", self._template_url(template_id), query={"deleteRuntime": flag, "deleteImages": flag})

    def create_code_studio_template_build(self, template_id: str, no_cache: bool = False) -> FutureState:
        """Build the template's image: a future. Repeating a build is harmless (it rebuilds)."""
        op = self._op("building", "CodeStudioTemplate", template_id)
        url = self._template_url(template_id, "build")
        query = {"withNoCache": "true" if no_cache else "false"}
        return self._parsed(FutureState.model_validate, op, "POST", url, query=query, idempotent=True)

    # ---- code studios -------------------------------------------------------------------------

    def _studio_url(self, project_key: str, *segments: str) -> str:
        return self._url("projects", project_key, "code-studios", *segments, trailing_slash=not segments)

    def iter_code_studios(self, project_key: str) -> Iterator[CodeStudioItem]:
        op = self._op("listing", "CodeStudio", f"{project_key}/*")
        yield from parse_each(CodeStudioItem.model_validate, self._call(op, "GET", self._studio_url(project_key)), op)

    def create_code_studio(self, project_key: str, name: str, template_id: str) -> CodeStudioDefinition:
        """The owner is the user behind the API key; DSS does not take one."""
        op = self._op("creating", "CodeStudio", f"{project_key}/{name}")
        answer = self._call(op, "POST", self._studio_url(project_key), body={"name": name, "templateId": template_id})
        return parse_answer(CodeStudioDefinition.model_validate, answer["codeStudio"], op)

    def get_code_studio(self, project_key: str, studio_id: str) -> CodeStudioDefinition:
        op = self._op("reading", "CodeStudio", f"{project_key}/{studio_id}")
        return self._parsed(CodeStudioDefinition.model_validate, op, "GET", self._studio_url(project_key, studio_id))

    def get_code_studio_status(self, project_key: str, studio_id: str) -> CodeStudioStatus:
        op = self._op("reading", "CodeStudio", f"{project_key}/{studio_id}")
        url = self._studio_url(project_key, studio_id, "status")
        return self._parsed(CodeStudioStatus.model_validate, op, "GET", url)

    def delete_code_studio(self, project_key: str, studio_id: str) -> None:
        op = self._op("deleting", "CodeStudio", f"{project_key}/{studio_id}")
        self._call(op, "DELETE", self._studio_url(project_key, studio_id))

    def create_code_studio_start(self, project_key: str, studio_id: str) -> FutureState:
        """Start (or restart) a code studio: a future. Not repeated after a lost answer: a second
        restart of a running studio would throw its unsynced work away."""
        op = self._op("starting", "CodeStudio", f"{project_key}/{studio_id}")
        url = self._studio_url(project_key, studio_id, "restart")
        return self._parsed(FutureState.model_validate, op, "POST", url)

    def create_code_studio_stop(self, project_key: str, studio_id: str) -> FutureState:
        """Stop a code studio: a future (finished inline when already stopped). Safe to repeat."""
        op = self._op("stopping", "CodeStudio", f"{project_key}/{studio_id}")
        url = self._studio_url(project_key, studio_id, "stop")
        return self._parsed(FutureState.model_validate, op, "POST", url, idempotent=True)

    def update_code_studio_owner(self, project_key: str, studio_id: str, new_owner: str) -> None:
        """Give the code studio to another user. DSS does not document the answer's shape: not read."""
        op = self._op("changing owner of", "CodeStudio", f"{project_key}/{studio_id}")
        url = self._studio_url(project_key, studio_id, "change-owner")
        self._call(op, "POST", url, query={"newOwner": new_owner}, idempotent=True)

    def get_zone_conflicts(self, project_key: str, studio_id: str, zone: str) -> ZoneConflicts:
        op = self._op("checking conflicts of", "CodeStudio", f"{project_key}/{studio_id}")
        answer = self._call(op, "GET", self._studio_url(project_key, studio_id, "conflicts", zone))
        if isinstance(answer, dict) and answer.get("error"):
            raise FailedStateError(f"zone {zone}: {answer['error']}", op)
        if not isinstance(answer, dict) or not isinstance(answer.get(zone), dict):
            # Keyed by the zone asked for (§5f): an answer without it says nothing about its conflicts.
            raise FailedStateError(f"zone {zone}: DSS's answer holds no conflicts for this zone", op)
        return parse_answer(lambda found: ZoneConflicts.from_answer(zone, found), answer, op)

    def update_dss_from_zone(self, project_key: str, studio_id: str, zone: str) -> None:
        """Pull: copy a zone's files from the running studio back to DSS. A GET that changes state,
        so never repeated on its own after an unknown outcome."""
        op = self._op("pulling", "CodeStudio", f"{project_key}/{studio_id}")
        self._call(op, "GET", self._studio_url(project_key, studio_id, "pull", zone), idempotent=False)

    def update_zone_from_dss(self, project_key: str, studio_id: str, zone: str) -> dict[str, Any]:
        """Push: copy DSS's files into a zone of the running studio; ``{count, size}``."""
        op = self._op("pushing", "CodeStudio", f"{project_key}/{studio_id}")
        return dict(self._call(op, "GET", self._studio_url(project_key, studio_id, "push", zone), idempotent=False))

    # ---- futures ------------------------------------------------------------------------------

    def get_future(self, job_id: str, op: Operation | None = None) -> FutureState:
        """The task's state and result; a task that failed raises FailedStateError with DSS's message."""
        operation = op or self._op("following", "task", job_id)
        url = self._url("futures", job_id)
        return self._parsed(FutureState.model_validate, operation, "GET", url, query={"peek": "false"}, task=True)

    def delete_future(self, job_id: str) -> None:
        """Abort a task."""
        self._call(self._op("aborting", "task", job_id), "DELETE", self._url("futures", job_id))
