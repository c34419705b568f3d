"""ABEJA Platform resource types: ``Trigger`` (and lookups of triggers and their runs)."""

from .functions import get_deployment_triggers, get_trigger_runs
from .trigger import Trigger, TriggerArgs, TriggerOutputs, TriggerProvider

__all__ = ["Trigger", "TriggerArgs", "TriggerOutputs", "TriggerProvider", "get_deployment_triggers", "get_trigger_runs"]
