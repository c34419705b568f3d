"""What every emulated platform shares: HTTP plumbing, routing, auth, faults, log, transitions, state file."""

from providers.sandbox.core.app import PlatformFactory, SandboxApp
from providers.sandbox.core.http import HttpError, Request, Response, Route
from providers.sandbox.core.platform import Backend, Platform
from providers.sandbox.core.server import ServerThread
from providers.sandbox.core.transitions import Transition, Transitions
from providers.sandbox.core.validation import FieldError

__all__ = [
    "Backend",
    "FieldError",
    "HttpError",
    "Platform",
    "PlatformFactory",
    "Request",
    "Response",
    "Route",
    "SandboxApp",
    "ServerThread",
    "Transition",
    "Transitions",
]
