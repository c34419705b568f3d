"""Thin AppConfig client: boto3 behind the project's error tree, one method per operation.

Clients are built lazily, one boto3 session and client per thread (the provider host runs its
calls on worker threads; a boto3 session is not thread-safe, and neither can be pickled).

Retries: reads and idempotent writes keep botocore's standard mode (3 attempts: 5xx, throttling,
connection errors) and, around it, the project's deadline-bounded loop, so a longer outage is
ridden out up to `timeout_seconds`. The writes that are not idempotent (StartDeployment,
CreateHostedConfigurationVersion) go through a client with botocore's retries off and are sent
once per call: a retry of a start that landed would start a second deployment. Callers send them
through `write_once`, which looks at the platform after a lost answer.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

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
from botocore.exceptions import (
    ConnectionError as BotoConnectionError,
)
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
from ..core.config import check_endpoint
from ..core.config import endpoint as config_endpoint
from ..core.error_bodies import parse_answer
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
MAX_PAGES = 1000

REGION_CONFIG = "aws:region"
PROFILE_CONFIG = "aws:profile"
ACCESS_KEY_CONFIG = "aws:accessKey"
SECRET_KEY_CONFIG = "aws:secretKey"
TOKEN_CONFIG = "aws:token"
ENDPOINT_CONFIG = "appconfig:endpoint"
REGION_ENV = ("AWS_REGION", "AWS_DEFAULT_REGION")
PROFILE_ENV = ("AWS_PROFILE",)
ENDPOINT_ENV = ("AWS_ENDPOINT_URL_APPCONFIG", "AWS_ENDPOINT_URL")
STS_ENDPOINT_ENV = "AWS_ENDPOINT_URL_STS"

CONFIG_DOCS = (
    (REGION_CONFIG, REGION_ENV, "AWS region, as pulumi-aws reads it; else the profile's region."),
    (PROFILE_CONFIG, PROFILE_ENV, "Named profile of the shared AWS config and credentials files."),
    (
        ACCESS_KEY_CONFIG,
        ("AWS_ACCESS_KEY_ID",),
        "Access key id (with `aws:secretKey`, and `aws:token` for temporary credentials); set them as "
        "secrets. Without them the standard AWS credential chain applies.",
    ),
    (
        ENDPOINT_CONFIG,
        ENDPOINT_ENV,
        "Endpoint URL overriding AppConfig's (the sandbox prints one); boto3's own variables work too.",
    ),
)

THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "TooManyRequestsException",
        "RequestThrottled",
        "RequestThrottledException",
        "RequestLimitExceeded",
        "SlowDown",
    }
)
AUTH_CODES = frozenset(
    {
        "AccessDeniedException",
        "AccessDenied",
        "UnrecognizedClientException",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "ExpiredTokenException",
        "InvalidClientTokenId",
    }
)
CODE_ERRORS: dict[str, type[ApiError]] = {
    "ResourceNotFoundException": NotFoundError,
    "ConflictException": ConflictError,
    "BadRequestException": BadRequestError,
    "ValidationException": BadRequestError,
    "PayloadTooLargeException": BadRequestError,
    "InternalServerException": ServerError,
    "ServiceUnavailableException": ServerError,
}


@dataclass(frozen=True)
class AppConfigConnection:
    """Where and as whom to reach AppConfig; None fields are left to boto3's own resolution.

    ``own_endpoints_only``: the stack config names the credentials (keys or a profile) but no
    endpoint, so boto3 must not take one from the environment (``AWS_ENDPOINT_URL_APPCONFIG``, as
    the sandbox exports it) or the shared config file: the stack goes to AWS's own endpoint.
    ``sts_endpoint``: where to ask STS who the caller is (None: the AppConfig endpoint override,
    else boto3's resolution).
    """

    region: str | None = None
    profile: str | None = None
    endpoint: str | None = None
    access_key: str | None = None
    secret_key: str | None = None
    session_token: str | None = None
    own_endpoints_only: bool = False
    sts_endpoint: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> AppConfigConnection:
        """Stack config before the environment, setting by setting. Credentials (or a profile) from
        the stack config go only to an endpoint from the stack config, or AWS's own."""
        profile = settings.get(PROFILE_CONFIG, PROFILE_ENV)
        access_key = settings.credential(ACCESS_KEY_CONFIG, (), PLATFORM)
        secret_key = settings.credential(SECRET_KEY_CONFIG, (), PLATFORM)
        token = settings.credential(TOKEN_CONFIG, (), PLATFORM)
        if access_key is None and profile is None:
            # The environment's keys, read through Settings so a test's environment is the one used.
            access_key = settings.credential(None, ("AWS_ACCESS_KEY_ID",), PLATFORM)
            secret_key = settings.credential(None, ("AWS_SECRET_ACCESS_KEY",), PLATFORM)
            token = settings.credential(None, ("AWS_SESSION_TOKEN",), PLATFORM)
        if bool(access_key) != bool(secret_key):
            raise ConfigError(
                "configuring AppConfig provider: an access key needs its secret key "
                f"(`pulumi config set --secret {SECRET_KEY_CONFIG} ...`)"
            )
        from_config = settings.in_config(ACCESS_KEY_CONFIG, PROFILE_CONFIG)
        endpoint = settings.get(ENDPOINT_CONFIG)
        if endpoint is None:
            endpoint = config_endpoint(settings, PLATFORM, ENDPOINT_CONFIG, ENDPOINT_ENV, from_config)
        # STS goes with the credentials too: the environment's STS endpoint only with its credentials.
        sts_from_env = None if from_config else settings.get("", (STS_ENDPOINT_ENV,))
        check_endpoint(settings, PLATFORM, endpoint)
        return cls(
            region=settings.get(REGION_CONFIG, REGION_ENV),
            profile=profile,
            endpoint=endpoint,
            access_key=access_key,
            secret_key=secret_key,
            session_token=token,
            own_endpoints_only=from_config and endpoint is None,
            sts_endpoint=sts_from_env,
        )

    def __repr__(self) -> str:
        # The dataclass repr would print the keys into tracebacks and logs.
        return f"AppConfigConnection(region={self.region!r}, profile={self.profile!r}, endpoint={self.endpoint!r})"


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
        kind: type[ApiError]
        if code in CODE_ERRORS:
            kind = CODE_ERRORS[code]
        elif code in THROTTLING_CODES or status == 429:
            kind = RateLimitError
        elif code in AUTH_CODES or status in (401, 403):
            kind = AuthError
        elif status is not None and status >= 500:
            kind = ServerError
        else:
            kind = BadRequestError if status == 400 else ApiError
        mapped = kind(cause, operation, status)
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
    if isinstance(exc, HTTPClientError) and _refused_header(exc):
        return header_error()
    if isinstance(exc, BotoConnectionError) and not isinstance(exc, HTTPClientError):
        # EndpointConnectionError, ConnectTimeoutError: the connection was never made.
        return TransportError(f"cannot reach AppConfig: {exc}", operation, sent=False)
    # Read timeouts, connections closed mid-answer: the request may have been processed.
    return TransportError(f"AppConfig did not answer: {exc}", operation, sent=True)


def _refused_header(exc: Exception) -> bool:
    """Whether http.client refused a header value (botocore wraps its ValueError, which quotes the value)."""
    cause = getattr(exc, "kwargs", {}).get("error")
    return isinstance(cause, ValueError) and "header" in str(cause).lower()


def header_error() -> ConfigError:
    """A credential HTTP cannot carry in a header: named by its settings, never shown."""
    return ConfigError(
        "configuring AppConfig provider: the AWS credentials hold a line break or another character HTTP "
        f"headers cannot carry; set {ACCESS_KEY_CONFIG}, {SECRET_KEY_CONFIG} and {TOKEN_CONFIG} (or "
        "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, or the profile's keys) again "
        "to the values alone"
    )


def _retry_after(headers: Mapping[str, Any]) -> float | None:
    lowered = {str(k).lower(): v for k, v in headers.items()}
    try:
        if lowered.get("retry-after") is not None:
            return max(0.0, float(lowered["retry-after"]))
        if lowered.get("x-amz-retry-after") is not None:
            return max(0.0, float(lowered["x-amz-retry-after"]) / 1000.0)
    except ValueError:
        return None
    return None


class AppConfigClient:
    """AppConfig's environments, deployments and hosted configuration versions."""

    def __init__(self, connection: AppConfigConnection) -> None:
        self.connection = connection
        remember_all((connection.access_key, connection.secret_key, connection.session_token))
        self._local = threading.local()

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
                raise ConfigError(
                    "configuring AppConfig provider: no AWS region; run `pulumi config set aws:region <region>` "
                    "or set AWS_REGION"
                )
            config = Config(
                retries={"mode": "standard", "total_max_attempts": 3 if retrying else 1},
                connect_timeout=5,
                read_timeout=30,
                ignore_configured_endpoint_urls=self.connection.own_endpoints_only or None,
            )
            client = session.client("appconfig", endpoint_url=self.connection.endpoint, config=config)
            setattr(self._local, attribute, client)
        return client

    def _send(self, op: Operation, name: str, retrying: bool, params: Mapping[str, Any]) -> Any:
        try:
            return getattr(self._boto(retrying), name)(**{k: v for k, v in params.items() if v is not None})
        except (ClientError, BotoCoreError, ResponseParserError) as exc:
            raise error_from_botocore(exc, op) from None
        except ValueError as exc:
            if "header" not in str(exc).lower():
                raise
            # http.client refuses a header value (its message quotes it): a credential, never transient.
            raise header_error() from None

    def _call(self, op: Operation, name: str, **params: Any) -> Any:
        """An idempotent call, retried until the step's deadline."""
        return call_with_retries(op, lambda: self._send(op, name, True, params), idempotent=True)

    def _pages(self, op: Operation, name: str, **params: Any) -> Iterator[dict[str, Any]]:
        token: str | None = None
        for _ in range(MAX_PAGES):
            answer = self._call(op, name, NextToken=token, **params)
            yield from answer.get("Items", [])
            token = answer.get("NextToken")
            if not token:
                return

    def _op(self, action: str, resource: str, ident: str) -> Operation:
        return Operation(action, PLATFORM, resource, ident)

    def get_account_id(self) -> str:
        """The caller's account (STS GetCallerIdentity), for ARNs AppConfig does not return; cached.

        STS goes to ``AWS_ENDPOINT_URL_STS`` when the credentials come from the environment too, else
        to the AppConfig endpoint override (an emulator such as the sandbox serves both), else
        where boto3 sends it.
        """
        cached: str | None = self.__dict__.get("_account_id")
        if cached is not None:
            return cached
        op = self._op("identifying", "caller", "sts")

        def ask() -> str:
            try:
                self._boto(True)  # builds (and checks) this thread's session
                endpoint = self.connection.sts_endpoint or self.connection.endpoint
                config = Config(
                    retries={"mode": "standard"},
                    connect_timeout=5,
                    ignore_configured_endpoint_urls=self.connection.own_endpoints_only or None,
                )
                sts = self._local.session.client("sts", endpoint_url=endpoint, config=config)
                return str(sts.get_caller_identity()["Account"])
            except (ClientError, BotoCoreError, ResponseParserError) as exc:
                raise error_from_botocore(exc, op) from None
            except ValueError as exc:
                if "header" not in str(exc).lower():
                    raise
                raise header_error() from None

        account = call_with_retries(op, ask, idempotent=True)
        self.__dict__["_account_id"] = account
        return account

    def get_local_key(self, resource: str) -> str:
        """A name for ``resource`` that is unique within this process and costs no request.

        For process-local bookkeeping only (turns, tokens this process set): an ARN would need the
        account, which is a call to STS.
        """
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
            False,
            {
                "ApplicationId": application_id,
                "EnvironmentId": environment_id,
                "DeploymentStrategyId": strategy_id,
                "ConfigurationProfileId": profile_id,
                "ConfigurationVersion": version,
                "Description": description,
                "KmsKeyIdentifier": kms_key_identifier,
                "DynamicExtensionParameters": dict(dynamic_extension_parameters)
                if dynamic_extension_parameters
                else None,
                "Tags": dict(tags) if tags else None,
            },
        )
        return parse_answer(Deployment.model_validate, answer, op)

    def get_deployment(self, application_id: str, environment_id: str, number: int) -> Deployment:
        op = self._op("reading", "Deployment", f"{application_id}/{environment_id}/{number}")
        answer = self._call(
            op, "get_deployment", ApplicationId=application_id, EnvironmentId=environment_id, DeploymentNumber=number
        )
        return parse_answer(Deployment.model_validate, answer, op)

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
        answer = self._call(
            op,
            "stop_deployment",
            ApplicationId=application_id,
            EnvironmentId=environment_id,
            DeploymentNumber=number,
            AllowRevert=True if allow_revert else None,
        )
        return parse_answer(Deployment.model_validate, answer, op)

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
            False,
            {
                "ApplicationId": application_id,
                "ConfigurationProfileId": profile_id,
                "Content": content,
                "ContentType": content_type,
                "Description": description,
                "VersionLabel": version_label,
            },
        )
        return int(answer["VersionNumber"])

    def get_hosted_configuration_version(
        self, application_id: str, profile_id: str, number: int
    ) -> HostedConfigurationVersion:
        op = self._op("reading", "HostedConfigurationVersion", f"{application_id}/{profile_id}/{number}")
        answer = self._call(
            op,
            "get_hosted_configuration_version",
            ApplicationId=application_id,
            ConfigurationProfileId=profile_id,
            VersionNumber=number,
        )
        return parse_answer(HostedConfigurationVersion.from_answer, answer, op)

    def iter_hosted_configuration_versions(
        self, application_id: str, profile_id: str
    ) -> Iterator[HostedConfigurationVersionSummary]:
        """The profile's hosted versions, newest first."""
        op = self._op("listing", "HostedConfigurationVersion", f"{application_id}/{profile_id}")
        pages = self._pages(
            op, "list_hosted_configuration_versions", ApplicationId=application_id, ConfigurationProfileId=profile_id
        )
        for item in pages:
            yield parse_answer(HostedConfigurationVersionSummary.model_validate, item, op)

    def delete_hosted_configuration_version(self, application_id: str, profile_id: str, number: int) -> None:
        op = self._op("deleting", "HostedConfigurationVersion", f"{application_id}/{profile_id}/{number}")
        self._call(
            op,
            "delete_hosted_configuration_version",
            ApplicationId=application_id,
            ConfigurationProfileId=profile_id,
            VersionNumber=number,
        )

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
