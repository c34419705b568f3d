"""Program-side building blocks: the Args and Outputs bases and the dynamic Resource base."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Generic, TypeVar, cast

import pulumi
import pulumi.dynamic

from .fields import Field, Secret, WriteOnly
from .ownership import OWNER_KEY, owner_mark
from .schema import Model, fields_with


def own_annotations(cls: type) -> dict[str, Any]:
    """The class's own annotations dict (never a base class's, which a class without any would show)."""
    if "__annotations__" not in vars(cls):
        cls.__annotations__ = {}
    return cast(dict[str, Any], vars(cls)["__annotations__"])


class ResourceArgs(Model):
    """Base of every resource's Args: strict about what users send. Any field may hold another
    resource's Output, so constructing Args does not validate; ``check`` does once values are known."""

    def __init_subclass__(
        cls, timeout: float | None = None, waits_for: str = "", adoptable: str | None = None, **kwargs: Any
    ) -> None:
        """The settings every type shares, declared here once: ``timeout`` (seconds; ``waits_for`` says
        on what) gives the type `timeout_seconds`, ``adoptable`` (what is found, e.g. "a service with
        this name") gives it `adopt_existing`. Both are provider-side only and come last."""
        super().__init_subclass__(**kwargs)
        if timeout is not None:
            waits = f", waiting for {waits_for}" if waits_for else ""
            own_annotations(cls)["timeout_seconds"] = Annotated[float, WriteOnly()]
            cls.timeout_seconds = Field(  # type: ignore[attr-defined]
                default=float(timeout),
                gt=0,
                le=86400,
                description=f"How long create, update and delete may take, in seconds{waits}. Dynamic types "
                "take it from here (Pulumi's customTimeouts never reach dynamic providers); the provider "
                "plugin's types honour customTimeouts when set.",
            )
        if adoptable is not None:
            own_annotations(cls)["adopt_existing"] = Annotated[bool, WriteOnly()]
            cls.adopt_existing = Field(  # type: ignore[attr-defined]
                default=False,
                description=f"When {adoptable} already exists and this resource did not create it, take it over "
                "and bring it to these inputs instead of failing; destroy then deletes it. What this resource's "
                "own interrupted run left is taken over without it where the platform can carry an owner mark "
                "(see Ownership).",
            )

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
            # Every input and output is an attribute of the resource, typed for `inspect` here; for type
            # checkers, the generated `<Resource>Attributes` base declares the same (a test holds both).
            own = own_annotations(cls)
            for model in (cls.args_type, cls.outputs_type):
                for name in model.field_specs():
                    own.setdefault(name, pulumi.Output[Any])

    def __init__(
        self, resource_name: str, args: ArgsT | None = None, opts: pulumi.ResourceOptions | None = None, **inputs: Any
    ) -> None:
        props = (args if args is not None else self.args_type(**inputs)).to_props()
        # Every output key must be present in props, or the SDK drops it from the resource object.
        for name in (*self.args_type.field_specs(), *self.outputs_type.field_specs()):
            props.setdefault(name, None)
        # The mark this resource leaves on what it creates (providers never learn the URN).
        props[OWNER_KEY] = owner_mark(
            pulumi.get_project(), pulumi.get_stack(), f"pulumi-python:{self._resource_type_name}", resource_name
        )
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
