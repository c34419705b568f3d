"""AWS AppConfig resource types: ``Deployment`` and ``HostedConfigurationVersion``. Importing this package
loads neither boto3 nor the wire models: they load when a request is due."""

from .deployment import Deployment, DeploymentArgs, DeploymentOutputs, DeploymentProvider
from .hosted_configuration_version import (
    HostedConfigurationVersion,
    HostedConfigurationVersionArgs,
    HostedConfigurationVersionOutputs,
    HostedConfigurationVersionProvider,
)

__all__ = [
    "Deployment",
    "DeploymentArgs",
    "DeploymentOutputs",
    "DeploymentProvider",
    "HostedConfigurationVersion",
    "HostedConfigurationVersionArgs",
    "HostedConfigurationVersionOutputs",
    "HostedConfigurationVersionProvider",
]
