"""Peak resource types: ``Service`` (and its ``run_service_test`` function)."""

from .functions import run_service_test
from .service import Service, ServiceArgs, ServiceOutputs, ServiceProvider

__all__ = ["Service", "ServiceArgs", "ServiceOutputs", "ServiceProvider", "run_service_test"]
