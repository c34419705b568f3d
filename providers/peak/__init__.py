"""Peak resource types (``Service``, ``PressDeployment``, ``BlockSpec``), the service test and the Press lookups."""

from .block_spec import BlockSpec, BlockSpecArgs, BlockSpecOutputs, BlockSpecProvider
from .functions import list_press_spec_release_deployments, list_press_spec_releases, list_press_specs, run_service_test
from .press_deployment import PressDeployment, PressDeploymentArgs, PressDeploymentOutputs, PressDeploymentProvider
from .service import Service, ServiceArgs, ServiceOutputs, ServiceProvider

__all__ = [
    "BlockSpec",
    "BlockSpecArgs",
    "BlockSpecOutputs",
    "BlockSpecProvider",
    "PressDeployment",
    "PressDeploymentArgs",
    "PressDeploymentOutputs",
    "PressDeploymentProvider",
    "Service",
    "ServiceArgs",
    "ServiceOutputs",
    "ServiceProvider",
    "list_press_spec_release_deployments",
    "list_press_spec_releases",
    "list_press_specs",
    "run_service_test",
]
