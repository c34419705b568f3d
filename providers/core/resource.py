"""Program-side building blocks: the Args base model and the dynamic Resource base."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ClassVar, Self

import pulumi
import pulumi.dynamic
from pydantic import BaseModel, ConfigDict, PrivateAttr

from .fields import Secret, fields_with

_VALIDATING: ContextVar[bool] = ContextVar("_VALIDATING", default=False)


@contextmanager
def _validating() -> Iterator[None]:
    token = _VALIDATING.set(True)
    try:
        yield
    finally:
        _VALIDATING.reset(token)


class ResourceArgs(BaseModel):
    """Base of every resource's Args: strict about what users send.

    In a program, any field may hold another resource's Output, so constructing Args does not
    validate; the provider's ``check`` validates every value once it is known, and names the
    field that is wrong.
    """

    model_config = ConfigDict(extra="forbid", validate_default=True)

    _program_inputs: dict[str, Any] | None = PrivateAttr(default=None)

    def __init_subclass__(cls, init: bool = True, **kwargs: Any) -> None:
        # Subclasses pass init=False (PEP 681) so type checkers keep this class's __init__, which
        # takes Outputs, instead of synthesizing one typed with the plain field types.
        super().__init_subclass__(**kwargs)

    def __init__(self, **inputs: Any) -> None:
        # pydantic routes model_validate through a custom __init__; validate only when asked to.
        if _VALIDATING.get():
            super().__init__(**inputs)
            return
        built = type(self).model_construct(**inputs)
        for attr in ("__dict__", "__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__"):
            object.__setattr__(self, attr, getattr(built, attr))
        # Kept verbatim, unknown keys included, so a misspelt input reaches check and is reported.
        self._program_inputs = dict(inputs)

    @classmethod
    def validate_inputs(cls, inputs: Any) -> Self:
        """Strict validation, as check does it; raises pydantic's ValidationError."""
        with _validating():
            return cls.model_validate(inputs)

    def to_props(self) -> dict[str, Any]:
        """Inputs as the program hands them to the engine."""
        if self._program_inputs is not None:
            return dict(self._program_inputs)
        return self.model_dump()

    def cross_field_problems(self) -> list[tuple[str, str]]:
        """Rules that span fields, as (dotted field path, reason); checked after field validation."""
        return []


class OutputsModel(BaseModel):
    """Base of every resource's Outputs: computed values the platform reports (read back, never sent)."""

    model_config = ConfigDict(extra="ignore")


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
        for name in (*self.args_type.model_fields, *self.outputs_type.model_fields):
            props.setdefault(name, None)
        secret_fields = list(fields_with(self.args_type, Secret)) + list(fields_with(self.outputs_type, Secret))
        if secret_fields:
            opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(additional_secret_outputs=secret_fields))
        super().__init__(provider, resource_name, props, opts)
