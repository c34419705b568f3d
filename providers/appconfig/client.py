"""Thin AppConfig client: boto3 behind the project's error tree, one method per operation.

One boto3 session and client per thread, built lazily (a session is not thread-safe, nor picklable).
Reads and idempotent writes keep botocore's standard retries (3 attempts) inside the project's
deadline-bounded loop. The writes that are not idempotent (StartDeployment,
CreateHostedConfigurationVersion) go through a client with botocore's retries off, sent once per call
(a retry of a start that landed would start a second deployment); callers send them through
`write_once`, which looks at the platform after a lost answer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import boto3  # type: ignore[import-untyped]
from botocore.config import Config  # type: ignore[import-untyped]
from botocore.exceptions import (  # type: ignore[import-untyped]
    BotoCoreError,
    ClientError,
    HTTPClientError,
    NoCredentialsError,
    NoRegionError,
    ParamValidationError,
    PartialCredentialsError,
    ProfileNotFound,
)
from botocore.exceptions import ConnectionError as BotoConnectionError
from botocore.parsers import ResponseParserError  # type: ignore[import-untyped]

from ..core import (
    ApiError,
    AuthError,
    BadRequestError,
    ConfigError,
    ConflictError,
    NotFoundError,
    Operation,
    ProviderError,
    RateLimitError,
    ServerError,
    Settings,
    TransportError,
)
from ..core.config import Credential, Setting, check_endpoint, endpoint, missing_setting
from ..core.error_bodies import pages, parse_answer, seconds
from ..core.redaction import clip, remember_all, scrub
from ..core.retry import call_with_retries
from .models import (
    Deployment,
    DeploymentSummary,
    Environment,
    HostedConfigurationVersion,
    HostedConfigurationVersionSummary,
)

PLATFORM = "AppConfig"

REGION = Setting(
    "aws:region", ("AWS_REGION", "AWS_DEFAULT_REGION"), "AWS region, as pulumi-aws reads it; else the profile's region."
)
PROFILE = Setting("aws:profile", ("AWS_PROFILE",), "Named profile of the shared AWS config and credentials files.")
ACCESS_KEY = Credential(
    "aws:accessKey",
    ("AWS_ACCESS_KEY_ID",),
    "Access key id (with `aws:secretKey`, and `aws:token` for temporary credentials); set them as "
    "secrets. Without them the standard AWS credential chain applies.",
)
# Without environment variables of their own: those of the environment's keys go with AWS_ACCESS_KEY_ID.
SECRET_KEY = Credential("aws:secretKey", (), "Secret access key going with `awsAccessKey`; set it as a secret.")
TOKEN = Credential("aws:token", (), "Session token of temporary credentials; set it as a secret.")
ENDPOINT = Setting(
    "appconfig:endpoint",
    ("AWS_ENDPOINT_URL_APPCONFIG", "AWS_ENDPOINT_URL"),
    "Endpoint URL overriding AppConfig's (the sandbox prints one); boto3's own variables work too.",
)
CONFIG_DOCS = (REGION, PROFILE, ACCESS_KEY, ENDPOINT)
STS_ENDPOINT_ENV = "AWS_ENDPOINT_URL_STS"

# Error codes AppConfig and STS answer, by the error each is; an unknown code is judged by its status.
CODE_ERRORS: dict[str, type[ApiError]] = {
    "ResourceNotFoundException": NotFoundError,
    "ConflictException": ConflictError,
    "BadRequestException": BadRequestError,
    "ValidationException": BadRequestError,
    "PayloadTooLargeException": BadRequestError,
    "InternalServerException": ServerError,
    "ServiceUnavailableException": ServerError,
    "Throttling": RateLimitError,
    "ThrottlingException": RateLimitError,
    "ThrottledException": RateLimitError,
    "TooManyRequestsException": RateLimitError,
    "RequestThrottled": RateLimitError,
    "RequestThrottledException": RateLimitError,
    "RequestLimitExceeded": RateLimitError,
    "SlowDown": RateLimitError,
    "AccessDeniedException": AuthError,
    "AccessDenied": AuthError,
    "UnrecognizedClientException": AuthError,
    "InvalidSignatureException": AuthError,
    "SignatureDoesNotMatch": AuthError,
    "ExpiredTokenException": AuthError,
    "InvalidClientTokenId": AuthError,
}
# A code not above, by its status alone (a 404 or 409 without a known code stays an ApiError).
STATUS_ERRORS: dict[int, type[ApiError]] = {400: BadRequestError, 401: AuthError, 403: AuthError, 429: RateLimitError}

T = TypeVar("T")


@dataclass(frozen=True)
class AppConfigConnection:
    """Where and as whom to reach AppConfig; None fields are left to boto3's own resolution.

    ``own_endpoints_only``: the stack config names the credentials (keys or a profile) but no endpoint,
    so boto3 must not take one from the environment (as the sandbox exports it) or the shared config
    file. ``sts_endpoint``: where to ask STS who the caller is (None: ``endpoint``, else boto3's choice).
    """

    region: str | None = None
    profile: str | None = None
    endpoint: str | None = None
    # Out of the repr, which would print the keys into tracebacks and logs.
    access_key: str | None = field(default=None, repr=False)
    secret_key: str | None = field(default=None, repr=False)
    session_token: str | None = field(default=None, repr=False)
    own_endpoints_only: bool = field(default=False, repr=False)
    sts_endpoint: str | None = field(default=None, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> AppConfigConnection:
        """Stack config before the environment, setting by setting. Credentials (or a profile) from
        the stack config go only to an endpoint from the stack config, or AWS's own."""
        profile = settings.get(PROFILE)
        access_key = settings.credential(ACCESS_KEY.key, platform=PLATFORM)
        secret_key = settings.credential(SECRET_KEY, platform=PLATFORM)
        token = settings.credential(TOKEN, platform=PLATFORM)
        if access_key is None and profile is None:
            # The environment's keys, read through Settings so a test's environment is the one used.
            access_key = settings.credential(None, ACCESS_KEY.env, PLATFORM)
            secret_key = settings.credential(None, ("AWS_SECRET_ACCESS_KEY",), PLATFORM)
            token = settings.credential(None, ("AWS_SESSION_TOKEN",), PLATFORM)
        if bool(access_key) != bool(secret_key):
            raise ConfigError(
                "configuring AppConfig provider: an access key needs its secret key "
                f"(`pulumi config set --secret {SECRET_KEY.key} ...`)"
            )
        from_config = settings.in_config(ACCESS_KEY, PROFILE)
        url = endpoint(settings, PLATFORM, ENDPOINT, from_config)
        # STS goes with the credentials too: the environment's STS endpoint only with its credentials.
        sts_from_env = None if from_config else settings.get("", (STS_ENDPOINT_ENV,))
        check_endpoint(settings, PLATFORM, url)
        return cls(
            region=settings.get(REGION),
            profile=profile,
            endpoint=url,
            access_key=access_key,
            secret_key=secret_key,
            session_token=token,
            own_endpoints_only=from_config and url is None,
            sts_endpoint=sts_from_env,
        )


def error_from_botocore(exc: Exception, operation: Operation) -> ProviderError:
    """A botocore failure as the project's error; branches on the error code, never on the status
    (moto answers 400 for not-found)."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        meta = exc.response.get("ResponseMetadata", {})
        code = str(error.get("Code") or "")
        status = int(meta.get("HTTPStatusCode") or 0) or None
        message = str(error.get("Message") or "").strip()
        named = f"{status} {code}" if status else code
        cause = f"{named}: {message}" if message else named or "no answer"
        by_status = ServerError if status and status >= 500 else STATUS_ERRORS.get(status or 0, ApiError)
        mapped = CODE_ERRORS.get(code, by_status)(cause, operation, status)
        mapped.retry_after = _retry_after(meta.get("HTTPHeaders") or {})
        return mapped
    if isinstance(exc, ResponseParserError):
        # An answer that is not the protocol's (a proxy's or load balancer's error page): the
        # request may have been processed, as with a lost answer.
        return ServerError(f"AppConfig sent an unreadable answer: {clip(str(exc), 200)}", operation)
    if isinstance(exc, ParamValidationError):
        return BadRequestError(scrub(str(exc)).replace("\n", " "), operation)
    if isinstance(exc, NoCredentialsError | PartialCredentialsError | ProfileNotFound | NoRegionError):
        return ConfigError(f"configuring AppConfig provider: {exc}", operation)
    # http.client refused a header value: botocore wraps its ValueError, which quotes the value.
    refused = getattr(exc, "kwargs", {}).get("error") if isinstance(exc, HTTPClientError) else None
    if isinstance(refused, ValueError) and "header" in str(refused).lower():
        return header_error()
    if isinstance(exc, BotoConnectionError) and not isinstance(exc, HTTPClientError):
        # EndpointConnectionError, ConnectTimeoutError: the connection was never made.
        return TransportError(f"cannot reach AppConfig: {exc}", operation, sent=False)
    # Read timeouts, connections closed mid-answer: the request may have been processed.
    return TransportError(f"AppConfig did not answer: {exc}", operation, sent=True)


def _translated(op: Operation, call: Callable[[], T]) -> T:
    """``call()``, with botocore's failures raised as the project's errors."""
    try:
        return call()
    except (ClientError, BotoCoreError, ResponseParserError) as exc:
        raise error_from_botocore(exc, op) from None
    except ValueError as exc:
        if "header" not in str(exc).lower():
            raise
        # http.client refuses a header value (its message quotes it): a credential, never transient.
        raise header_error() from None


def header_error() -> ConfigError:
    """A credential HTTP cannot carry in a header: named by its settings, never shown."""
    return ConfigError(
        "configuring AppConfig provider: the AWS credentials hold a line break or another character HTTP "
        f"headers cannot carry; set {ACCESS_KEY.key}, {SECRET_KEY.key} and {TOKEN.key} (or "
        "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, or the profile's keys) again "
        "to the values alone"
    )


def _retry_after(headers: Mapping[str, Any]) -> float | None:
    lowered = {str(k).lower(): v for k, v in headers.items()}
    if lowered.get("retry-after") is not None:
        return seconds(lowered["retry-after"])
    return seconds(lowered.get("x-amz-retry-after"), per_second=1000.0)


class AppConfigClient:
    """AppConfig's environments, deployments and hosted configuration versions."""

    def __init__(self, connection: AppConfigConnection) -> None:
        self.connection = connection
        remember_all((connection.access_key, connection.secret_key, connection.session_token))
        self._local = threading.local()
        self._account_id: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> AppConfigClient:
        return cls(AppConfigConnection.from_settings(settings))

    # ---- plumbing ----------------------------------------------------------------------------------

    def _boto(self, retrying: bool) -> Any:
        attribute = "retrying" if retrying else "once"
        client = getattr(self._local, attribute, None)
        if client is None:
            session = getattr(self._local, "session", None)
            if session is None:
                c = self.connection
                try:
                    session = boto3.session.Session(
                        aws_access_key_id=c.access_key,
                        aws_secret_access_key=c.secret_key,
                        aws_session_token=c.session_token,
                        region_name=c.region,
                        profile_name=c.profile,
                    )
                except ProfileNotFound as exc:
                    raise ConfigError(f"configuring AppConfig provider: {exc}") from None
                self._local.session = session
            if session.region_name is None:
                raise missing_setting(PLATFORM, "AWS region", REGION, "region")
            retries = {"mode": "standard", "total_max_attempts": 3 if retrying else 1}
            config = self._config(retries=retries, read_timeout=30)
            client = session.client("appconfig", endpoint_url=self.connection.endpoint, config=config)
            setattr(self._local, attribute, client)
        return client

    def _config(self, **options: Any) -> Any:
        return Config(
            connect_timeout=5, ignore_configured_endpoint_urls=self.connection.own_endpoints_only or None, **options
        )

    def _send(self, op: Operation, name: str, *, retrying: bool = False, **params: Any) -> Any:
        """One attempt, with botocore's own retries only when ``retrying``; None parameters are left out."""
        sent = {k: v for k, v in params.items() if v is not None}
        return _translated(op, lambda: getattr(self._boto(retrying), name)(**sent))

    def _call(self, op: Operation, name: str, **params: Any) -> Any:
        """An idempotent call, retried until the step's deadline."""
        return call_with_retries(op, lambda: self._send(op, name, retrying=True, **params), idempotent=True)

    def _parsed(self, parse: Callable[[Any], T], op: Operation, name: str, **params: Any) -> T:
        return parse_answer(parse, self._call(op, name, **params), op)

    def _pages(self, op: Operation, name: str, **params: Any) -> Iterator[dict[str, Any]]:
        def fetch(token: str | None) -> tuple[list[dict[str, Any]], str | None]:
            answer = self._call(op, name, NextToken=token, **params)
            return answer.get("Items", []), answer.get("NextToken")

        return pages(fetch)

    def _op(self, action: str, resource: str, ident: str) -> Operation:
        return Operation(action, PLATFORM, resource, ident)

    def get_account_id(self) -> str:
        """The caller's account (STS GetCallerIdentity), for ARNs AppConfig does not return; cached.
        STS goes to ``sts_endpoint``, else to the AppConfig endpoint (an emulator such as the sandbox serves both)."""
        op = self._op("identifying", "caller", "sts")

        def ask() -> str:
            self._boto(True)  # builds (and checks) this thread's session
            url = self.connection.sts_endpoint or self.connection.endpoint
            config = self._config(retries={"mode": "standard"})
            sts = self._local.session.client("sts", endpoint_url=url, config=config)
            return str(sts.get_caller_identity()["Account"])

        if self._account_id is None:
            self._account_id = call_with_retries(op, lambda: _translated(op, ask), idempotent=True)
        return self._account_id

    def get_local_key(self, resource: str) -> str:
        """A name for ``resource``, unique within this process, for process-local bookkeeping only (turns,
        tokens this process set): it costs no request, where an ARN would need the account (a call to STS)."""
        region = self._boto(True).meta.region_name
        return f"{region}|{self.connection.profile}|{self.connection.endpoint}|{resource}"

    def get_deployment_arn(self, application_id: str, environment_id: str, number: int) -> str:
        return self._arn(f"application/{application_id}/environment/{environment_id}/deployment/{number}")

    def _arn(self, resource: str) -> str:
        region = str(self._boto(True).meta.region_name)
        partition = "aws-cn" if region.startswith("cn-") else "aws-us-gov" if region.startswith("us-gov-") else "aws"
        return f"arn:{partition}:appconfig:{region}:{self.get_account_id()}:{resource}"

    # ---- deployments -------------------------------------------------------------------------------

    def create_deployment(
        self,
        application_id: str,
        environment_id: str,
        *,
        strategy_id: str,
        profile_id: str,
        version: str,
        description: str | None = None,
        kms_key_identifier: str | None = None,
        dynamic_extension_parameters: Mapping[str, str] | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> Deployment:
        """StartDeployment, sent once (not idempotent: send it through `write_once`)."""
        op = self._op("starting", "Deployment", f"{application_id}/{environment_id}")
        answer = self._send(
            op,
            "start_deployment",
            ApplicationId=application_id,
            EnvironmentId=environment_id,
            DeploymentStrategyId=strategy_id,
            ConfigurationProfileId=profile_id,
            ConfigurationVersion=version,
            Description=description,
            KmsKeyIdentifier=kms_key_identifier,
            DynamicExtensionParameters=dict(dynamic_extension_parameters or {}) or None,
            Tags=dict(tags) if tags else None,
        )
        return parse_answer(Deployment.model_validate, answer, op)

    def get_deployment(self, application_id: str, environment_id: str, number: int) -> Deployment:
        op = self._op("reading", "Deployment", f"{application_id}/{environment_id}/{number}")
        key = {"ApplicationId": application_id, "EnvironmentId": environment_id, "DeploymentNumber": number}
        return self._parsed(Deployment.model_validate, op, "get_deployment", **key)

    def iter_deployments(self, application_id: str, environment_id: str) -> Iterator[DeploymentSummary]:
        """The environment's deployments, newest first."""
        op = self._op("listing", "Deployment", f"{application_id}/{environment_id}")
        for item in self._pages(op, "list_deployments", ApplicationId=application_id, EnvironmentId=environment_id):
            yield parse_answer(DeploymentSummary.model_validate, item, op)

    def delete_deployment(
        self, application_id: str, environment_id: str, number: int, *, allow_revert: bool = False
    ) -> Deployment:
        """StopDeployment: AppConfig rolls a DEPLOYING deployment back (it has no delete); with
        ``allow_revert`` also one BAKING or VALIDATING, and reverts a COMPLETE one."""
        op = self._op("stopping", "Deployment", f"{application_id}/{environment_id}/{number}")
        key = {"ApplicationId": application_id, "EnvironmentId": environment_id, "DeploymentNumber": number}
        return self._parsed(Deployment.model_validate, op, "stop_deployment", **key, AllowRevert=allow_revert or None)

    def get_environment(self, application_id: str, environment_id: str) -> Environment:
        op = self._op("reading", "Environment", f"{application_id}/{environment_id}")
        answer = self._call(op, "get_environment", ApplicationId=application_id, EnvironmentId=environment_id)
        return parse_answer(Environment.model_validate, answer, op)

    # ---- hosted configuration versions -------------------------------------------------------------

    def create_hosted_configuration_version(
        self,
        application_id: str,
        profile_id: str,
        *,
        content: bytes,
        content_type: str,
        description: str | None = None,
        version_label: str | None = None,
    ) -> int:
        """CreateHostedConfigurationVersion, sent once (not idempotent); returns the version number."""
        op = self._op("creating", "HostedConfigurationVersion", f"{application_id}/{profile_id}")
        answer = self._send(
            op,
            "create_hosted_configuration_version",
            ApplicationId=application_id,
            ConfigurationProfileId=profile_id,
            Content=content,
            ContentType=content_type,
            Description=description,
            VersionLabel=version_label,
        )
        return int(answer["VersionNumber"])

    def get_hosted_configuration_version(
        self, application_id: str, profile_id: str, number: int
    ) -> HostedConfigurationVersion:
        op = self._op("reading", "HostedConfigurationVersion", f"{application_id}/{profile_id}/{number}")
        key = {"ApplicationId": application_id, "ConfigurationProfileId": profile_id, "VersionNumber": number}
        return self._parsed(HostedConfigurationVersion.from_answer, op, "get_hosted_configuration_version", **key)

    def iter_hosted_configuration_versions(
        self, application_id: str, profile_id: str
    ) -> Iterator[HostedConfigurationVersionSummary]:
        """The profile's hosted versions, newest first."""
        op = self._op("listing", "HostedConfigurationVersion", f"{application_id}/{profile_id}")
        key = {"ApplicationId": application_id, "ConfigurationProfileId": profile_id}
        for item in self._pages(op, "list_hosted_configuration_versions", **key):
            yield parse_answer(HostedConfigurationVersionSummary.model_validate, item, op)

    def delete_hosted_configuration_version(self, application_id: str, profile_id: str, number: int) -> None:
        op = self._op("deleting", "HostedConfigurationVersion", f"{application_id}/{profile_id}/{number}")
        key = {"ApplicationId": application_id, "ConfigurationProfileId": profile_id, "VersionNumber": number}
        self._call(op, "delete_hosted_configuration_version", **key)

    # ---- tags --------------------------------------------------------------------------------------

    def get_tags(self, arn: str) -> dict[str, str]:
        answer = self._call(self._op("reading tags of", "resource", arn), "list_tags_for_resource", ResourceArn=arn)
        return dict(answer.get("Tags") or {})

    def update_tags(self, arn: str, set_tags: Mapping[str, str], remove: list[str]) -> None:
        """Tag and untag (both idempotent): the resource ends with `set_tags` added and `remove` gone."""
        op = self._op("tagging", "resource", arn)
        if remove:
            self._call(op, "untag_resource", ResourceArn=arn, TagKeys=list(remove))
        if set_tags:
            self._call(op, "tag_resource", ResourceArn=arn, Tags=dict(set_tags))
