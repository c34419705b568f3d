"""The base provider: check, diff, create, read, update, delete and configure for every resource.

A resource supplies its Args and Outputs models and four small hooks that talk to its platform;
everything the engine asks of a dynamic provider is implemented here once, from the field
markers. Provider instances carry no pickled state: settings and clients live only in the
provider process, set by ``configure`` and built lazily.
"""

from __future__ import annotations

import importlib
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Generic, TypeVar, cast

import pulumi.dynamic as dyn

from . import concurrency
from .config import Settings
from .errors import Operation, ProviderError
from .fields import ServerDefault, WriteOnly, has_marker
from .inputs import PROVIDER_KEY, check_inputs, diff_inputs, normalize
from .resource import OutputsModel, ResourceArgs
from .retry import operation_deadline
from .schema import fields_with
from .waiter import Deadline

ArgsT = TypeVar("ArgsT", bound=ResourceArgs)
ClientT = TypeVar("ClientT")

DEFAULT_TIMEOUT_SECONDS = 900.0
# Bookkeeping kept in outputs (as the Terraform bridge keeps its own `__meta`): which optional
# server-defaulted inputs the user set. Read gets only outputs, and needs this to rebuild inputs.
META_KEY = "__meta"
_CLIENT_LOCK = threading.Lock()

Observed = dict[str, Any]
"""What the platform reports about an object, keyed by Args and Outputs field names."""


class PlatformProvider(dyn.ResourceProvider, ABC, Generic[ArgsT, ClientT]):
    args_model: ClassVar[type[ResourceArgs]]
    outputs_model: ClassVar[type[OutputsModel]]
    platform: ClassVar[str]
    resource_label: ClassVar[str]
    # Fields that make the remote object unique (its name): a replace keeping them deletes first.
    identity_fields: ClassVar[tuple[str, ...]] = ()
    # The pickled provider is a reference to its class and nothing else (credentials come from
    # stack config at configure time; tests/unit/test_core_misc.py holds it to that), so it need
    # not be a secret: the engine then encrypts and decrypts two fewer values per resource.
    serialize_as_secret_always = False

    # ---- hooks a resource implements ----------------------------------------------------------

    # `module:Class` of the platform's client: imported only when a request is due, so programs and
    # previews never load the HTTP stack, boto3 or the wire models.
    client_class: ClassVar[str]

    def build_client(self, settings: Settings) -> ClientT:
        module, _, name = self.client_class.partition(":")
        client_type = getattr(importlib.import_module(module), name)
        return cast(ClientT, client_type.from_settings(settings))

    @abstractmethod
    def create_remote(self, client: ClientT, args: ArgsT, deadline: Deadline) -> tuple[str, Observed]: ...

    @abstractmethod
    def read_remote(self, client: ClientT, ident: str, prior: Mapping[str, Any]) -> Observed | None:
        """The object as the platform reports it, or None when it no longer exists."""

    @abstractmethod
    def update_remote(
        self, client: ClientT, ident: str, prior: Mapping[str, Any], args: ArgsT, deadline: Deadline
    ) -> Observed: ...

    @abstractmethod
    def delete_remote(self, client: ClientT, ident: str, prior: Mapping[str, Any], deadline: Deadline) -> None:
        """Delete and wait until gone; an object already gone is success."""

    # ---- configuration and clients ------------------------------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        # Never pickle settings or clients into __provider, whatever happened to this instance.
        return {}

    def configure(self, req: dyn.ConfigureRequest) -> None:
        concurrency.ensure_host_widened()
        settings = Settings.from_pulumi_config(req.config)
        cap = settings.get(concurrency.CONFIG_KEY, (concurrency.ENV_KEY,))
        if cap is not None:
            concurrency.set_max_concurrency(cap)
        self.__dict__["_settings"] = settings
        self.__dict__.pop("_client", None)

    def client(self) -> ClientT:
        cached: ClientT | None = self.__dict__.get("_client")
        if cached is None:
            with _CLIENT_LOCK:
                cached = self.__dict__.get("_client")
                if cached is None:
                    settings = self.__dict__.get("_settings") or Settings()
                    cached = self.build_client(settings)
                    self.__dict__["_client"] = cached
        return cached

    # ---- engine methods ----------------------------------------------------------------------

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> dyn.CheckResult:
        concurrency.ensure_host_widened()
        outcome = check_inputs(self.args_model, news, ignored=self.outputs_model.field_specs())
        failures = [dyn.CheckFailure(f.path, f.reason) for f in outcome.failures]
        return dyn.CheckResult(outcome.inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.DiffResult:
        result = diff_inputs(self.args_model, olds, news, self.identity_fields)
        return dyn.DiffResult(
            changes=bool(result.changed),
            replaces=list(result.replaces),
            delete_before_replace=result.delete_before_replace,
        )

    def create(self, props: dict[str, Any]) -> dyn.CreateResult:
        args = self.validated(props)
        with concurrency.operation_slot(), operation_deadline(self.deadline(args)) as deadline:
            ident, observed = self.create_remote(self.client(), args, deadline)
        return dyn.CreateResult(ident, self.outputs(observed, args.to_dict(), self.defaults_set(args)))

    def read(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        prior = self.prior(props)
        with concurrency.operation_slot(), operation_deadline(self.deadline_from(prior)):
            observed = self.read_remote(self.client(), id_, prior)
        if observed is None:
            # An empty id tells the engine the object is gone: refresh drops it from state.
            return dyn.ReadResult("", {})
        meta = prior.get(META_KEY)
        if not isinstance(meta, dict):
            # A read by id (ResourceOptions(id=...)) or older state: stored inputs stay as they are.
            return dyn.ReadResult(id_, self.outputs(observed, prior, ()))
        defaults_set = tuple(meta.get("server_defaults_set") or ())
        outs = self.outputs(observed, prior, defaults_set)
        # Refreshed inputs carry what changed out of band, so `preview --diff` names the field the
        # next `up` puts back; server-defaulted fields the user never set stay unset.
        inputs = {
            name: outs[name] if name in defaults_set or not has_marker(field, ServerDefault) else None
            for name, field in self.args_model.field_specs().items()
        }
        return dyn.ReadResult(id_, outs, inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.UpdateResult:
        args = self.validated(news)
        with concurrency.operation_slot(), operation_deadline(self.deadline(args)) as deadline:
            observed = self.update_remote(self.client(), id_, self.prior(olds), args, deadline)
        # Every output is returned: an update that returns none erases them from state.
        return dyn.UpdateResult(self.outputs(observed, args.to_dict(), self.defaults_set(args)))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        prior = self.prior(props)
        with concurrency.operation_slot(), operation_deadline(self.deadline_from(prior)) as deadline:
            self.delete_remote(self.client(), id_, prior, deadline)

    # ---- helpers -----------------------------------------------------------------------------

    def operation(self, action: str, ident: str) -> Operation:
        return Operation(action, self.platform, self.resource_label, ident)

    def validated(self, props: Mapping[str, Any]) -> ArgsT:
        inputs = {k: v for k, v in props.items() if k in self.args_model.field_specs()}
        args, problems = self.args_model.parse(inputs)
        if args is None:
            # check has already rejected bad input; reaching here means state was edited by hand.
            fields = ", ".join(sorted({str(loc[0]) for loc, _ in problems if loc}))
            raise ProviderError(f"invalid inputs in state: {fields}")
        return args  # type: ignore[return-value]

    def prior(self, props: Mapping[str, Any]) -> dict[str, Any]:
        """Prior outputs from state, numbers normalized, without the pickled provider."""
        return {k: normalize(v) for k, v in props.items() if k != PROVIDER_KEY}

    def deadline(self, args: ResourceArgs) -> Deadline:
        return self.deadline_from(args.to_dict())

    def deadline_from(self, values: Mapping[str, Any]) -> Deadline:
        seconds = values.get("timeout_seconds") or DEFAULT_TIMEOUT_SECONDS
        return Deadline.after(float(seconds))

    def defaults_set(self, args: ResourceArgs) -> tuple[str, ...]:
        return tuple(name for name in fields_with(self.args_model, ServerDefault) if getattr(args, name) is not None)

    def outputs(
        self, observed: Mapping[str, Any], inputs: Mapping[str, Any], defaults_set: Iterable[str]
    ) -> dict[str, Any]:
        """Outputs with stable keys: every Args field (as observed; write-only ones from the
        inputs), every Outputs field, and the bookkeeping, whether the step was create, read or update."""
        outs: dict[str, Any] = {META_KEY: {"server_defaults_set": sorted(defaults_set)}}
        for name, field in self.args_model.field_specs().items():
            if has_marker(field, WriteOnly) or name not in observed:
                outs[name] = inputs.get(name)
            else:
                outs[name] = observed[name]
        for name in self.outputs_model.field_specs():
            outs[name] = observed.get(name)
        return outs
