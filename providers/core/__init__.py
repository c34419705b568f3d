"""Platform-neutral building blocks: fields, inputs, errors, waiter, config, bases.

The HTTP transport (``providers.core.transport``) is imported only where a client is built: a
program, a preview's check and diff never send a request, and requests costs ~60 ms to import.
"""

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
    OutcomeUnknownError,
    ProviderError,
    RateLimitError,
    ServerError,
    TransportError,
    WaitTimeoutError,
)
from .fields import Field, ForceNew, Secret, ServerDefault, WriteOnly
from .provider import Observed, PlatformProvider
from .resource import OutputsModel, PlatformResource, ResourceArgs
from .step import Step
from .waiter import Deadline, WaitFor

__all__ = [
    "ApiError",
    "AuthError",
    "BadRequestError",
    "ConfigError",
    "ConflictError",
    "Deadline",
    "FailedStateError",
    "Field",
    "ForceNew",
    "NotFoundError",
    "Observed",
    "Operation",
    "OutcomeUnknownError",
    "OutputsModel",
    "PlatformProvider",
    "PlatformResource",
    "ProviderError",
    "RateLimitError",
    "ResourceArgs",
    "Secret",
    "ServerDefault",
    "ServerError",
    "Settings",
    "Step",
    "TransportError",
    "WaitFor",
    "WaitTimeoutError",
    "WriteOnly",
]
