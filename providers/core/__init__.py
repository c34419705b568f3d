"""Platform-neutral building blocks: fields, inputs, errors, transport, waiter, config, bases."""

from .config import Settings
from .errors import (
    ApiError,
    AuthError,
    BadRequestError,
    ConfigError,
    ConflictError,
    FailedStateError,
    NotFoundError,
    Operation,
    ProviderError,
    RateLimitError,
    ServerError,
    TransportError,
    WaitTimeoutError,
)
from .fields import ForceNew, Secret, ServerDefault, WriteOnly
from .provider import Observed, PlatformProvider
from .resource import OutputsModel, PlatformResource, ResourceArgs
from .transport import HttpTransport, RetryPolicy, join_path
from .waiter import Deadline, WaitFor

__all__ = [
    "ApiError",
    "AuthError",
    "BadRequestError",
    "ConfigError",
    "ConflictError",
    "Deadline",
    "FailedStateError",
    "ForceNew",
    "HttpTransport",
    "NotFoundError",
    "Observed",
    "Operation",
    "OutputsModel",
    "PlatformProvider",
    "PlatformResource",
    "ProviderError",
    "RateLimitError",
    "ResourceArgs",
    "RetryPolicy",
    "Secret",
    "ServerDefault",
    "ServerError",
    "Settings",
    "TransportError",
    "WaitFor",
    "WaitTimeoutError",
    "WriteOnly",
    "join_path",
]
