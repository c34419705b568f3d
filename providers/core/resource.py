"""Program-side building blocks: the Args and Outputs bases and the dynamic Resource base."""

from __future__ import annotations

from typing import Any, ClassVar

import pulumi
import pulumi.dynamic

from .fields import Secret
from .schema import Model, Problem, fields_with


class ResourceArgs(Model):
    """Base of every resource's Args: strict about what users send.

    In a program, any field may hold another resource's Output, so constructing Args does not
    validate; the provider's ``check`` validates every value once it is known, and names the
    field that is wrong.
    """

    def __init__(self, **inputs: Any) -> None:
        self._set_fields(inputs)
        # Kept verbatim, unknown keys included, so a misspelt input reaches check and is reported.
        self.__dict__["_program_inputs"] = dict(inputs)

    def to_props(self) -> dict[str, Any]:
        """Inputs as the program hands them to the engine."""
        program_inputs: dict[str, Any] | None = self.__dict__.get("_program_inputs")
        return dict(program_inputs) if program_inputs is not None else self.to_dict()

    def cross_field_problems(self) -> list[tuple[str, str]]:
        """Rules that span fields, as (dotted field path, reason); checked after field validation."""
        return []


class OutputsModel(Model):
    """Base of every resource's Outputs: computed values the platform reports (read back, never sent)."""


class PlatformResource(pulumi.dynamic.Resource):
    """Base of every resource class; subclasses pass ``module=`` and ``name=`` for their type token."""

    args_type: ClassVar[type[ResourceArgs]]
    outputs_type: ClassVar[type[OutputsModel]]

    def __init__(
        self,
        provider: pulumi.dynamic.ResourceProvider,
        resource_name: str,
        args: ResourceArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = args.to_props()
        # Every output key must be present in props, or the SDK drops it from the resource object.
        for name in (*self.args_type.field_specs(), *self.outputs_type.field_specs()):
            props.setdefault(name, None)
        for name in fields_with(self.args_type, Secret):
            if props.get(name) is not None:
                # The engine stores inputs as the program hands them over: a value the program did not
                # wrap as a secret itself would sit in state in plain text.
                props[name] = pulumi.Output.secret(props[name])
        secret_fields = [*fields_with(self.args_type, Secret), *fields_with(self.outputs_type, Secret)]
        if secret_fields:
            opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(additional_secret_outputs=secret_fields))
        super().__init__(provider, resource_name, props, opts)


__all__ = ["OutputsModel", "PlatformResource", "Problem", "ResourceArgs"]
