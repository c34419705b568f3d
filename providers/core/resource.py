"""Program-side building blocks: the Args and Outputs bases and the dynamic Resource base."""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

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


ArgsT = TypeVar("ArgsT", bound=ResourceArgs)


class PlatformResource(pulumi.dynamic.Resource, Generic[ArgsT]):
    """Base of every resource class: ``class Service(PlatformResource[ServiceArgs], module="peak",
    name="Service")`` with ``provider_type`` (its Args and Outputs models become ``args_type`` and
    ``outputs_type``); construct it with Args or with the same inputs as keyword arguments."""

    args_type: ClassVar[type[ResourceArgs]]
    outputs_type: ClassVar[type[OutputsModel]]
    provider_type: ClassVar[type[pulumi.dynamic.ResourceProvider]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Args and Outputs are declared once, on the provider; the resource class reads them from there.
        provider = cls.__dict__.get("provider_type")
        if provider is not None:
            cls.args_type = provider.args_model
            cls.outputs_type = provider.outputs_model

    def __init__(
        self,
        resource_name: str,
        args: ArgsT | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **inputs: Any,
    ) -> None:
        if args is None:
            args = self.args_type(**inputs)  # type: ignore[assignment]
        assert args is not None
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
        # The provider is pickled by reference into state (`__provider`) and carries nothing.
        super().__init__(self.provider_type(), resource_name, props, opts)


__all__ = ["OutputsModel", "PlatformResource", "Problem", "ResourceArgs"]
