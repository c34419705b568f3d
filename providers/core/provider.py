"""The base provider: the engine's methods (check, diff, create, read, update, delete, configure),
written once from the field markers for every resource. Instances carry no pickled state: settings
and clients live only in the provider process, set by ``configure`` and built lazily.
"""

from __future__ import annotations

import contextlib
import importlib
import threading
import typing
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar, Generic, cast

import pulumi.dynamic as dyn

from . import concurrency
from .config import Settings
from .errors import Operation, ProviderError
from .fields import Secret, ServerDefault, WriteOnly, has_marker
from .inputs import PROVIDER_KEY, check_inputs, diff_inputs, normalize
from .lifecycle import ArgsT, Known, Lifecycle, WireT
from .ownership import OWNER_KEY
from .redaction import remember_all, scrub, scrubbed_exceptions
from .resource import OutputsModel, ResourceArgs
from .retry import operation_deadline
from .schema import fields_with
from .step import ClientT, Step
from .turns import holding
from .waiter import Deadline

DEFAULT_TIMEOUT_SECONDS = 900.0
# Bookkeeping kept in outputs (as the Terraform bridge keeps its own `__meta`): which optional
# server-defaulted inputs the user set. Read gets only outputs, and needs this to rebuild inputs.
META_KEY = "__meta"
_CLIENT_LOCK = threading.Lock()

Observed = dict[str, Any]
"""What the platform reports about an object, keyed by Args and Outputs field names."""


def slot_within(step: Step[Any]) -> contextlib.AbstractContextManager[None]:
    """A slot under the concurrency cap, waited for no longer than the step's deadline."""
    waiting_for = f"a free slot under the concurrency cap ({concurrency.CONFIG_KEY})"
    return holding(concurrency.operation_slot(), step.deadline, step.operation, waiting_for)


class PlatformProvider(Lifecycle[ArgsT, ClientT, WireT], dyn.ResourceProvider, Generic[ArgsT, ClientT, WireT]):
    """A type's provider: its Args and Outputs models, its client, and its declared ``Lifecycle``, which
    the four steps follow; a type overrides a step only where its platform works differently."""

    args_model: ClassVar[type[ResourceArgs]]
    outputs_model: ClassVar[type[OutputsModel]]
    # The pickled provider is a reference to its class and nothing else (credentials come from
    # stack config at configure time; tests/unit/test_core_misc.py holds it to that), so it need
    # not be a secret: the engine then encrypts and decrypts two fewer values per resource.
    serialize_as_secret_always = False

    # `module:Class` of the platform's client: imported only when a request is due, so programs and
    # previews never load the HTTP stack, boto3 or the wire models.
    client_class: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Declared once: the Args model is the first type argument, the label the class's name.
        for base in getattr(cls, "__orig_bases__", ()):
            first = next(iter(typing.get_args(base)), None)
            if isinstance(first, type) and issubclass(first, ResourceArgs) and "args_model" not in vars(cls):
                cls.args_model = first
        if "resource_label" not in vars(cls):
            cls.resource_label = cls.__name__.removesuffix("Provider")

    def build_client(self, settings: Settings) -> ClientT:
        module, _, name = self.client_class.partition(":")
        client_type = getattr(importlib.import_module(module), name)
        return cast(ClientT, client_type.from_settings(settings))

    # ---- the four steps, from the declared lifecycle --------------------------------------------

    def create_remote(self, step: Step[ClientT], args: ArgsT) -> tuple[str, Observed]:
        """Create (or take over), converge what was taken over, and wait for a target status."""
        ident, created = self.take_over_or_create(step, args)
        step = step.on(ident)
        known = args.to_dict()
        with self.cleaned_up_on_failure(step, ident, known, created):
            converging = self.converge_new or not created
            obj = self.converge(step, ident, self.live(step, ident, known), args, {}) if converging else None
            obj = obj or self.wait_target(step, ident, known)
        return ident, self.observe(step, ident, obj, known)

    def read_remote(self, step: Step[ClientT], ident: str, prior: Known) -> Observed | None:
        """The object as the platform reports it, or None when it no longer exists."""
        obj = self.get_or_none(step, ident, prior)
        return None if obj is None else self.observe(step, ident, obj, prior)

    def update_remote(self, step: Step[ClientT], ident: str, prior: Known, args: ArgsT) -> Observed:
        # Converged against the live object, not state, so changes made out of band are put back too.
        known = args.to_dict()
        obj = self.converge(step, ident, self.live(step, ident, prior), args, prior)
        obj = obj or self.wait_target(step, ident, known)
        return self.observe(step, ident, obj, known)

    def delete_remote(self, step: Step[ClientT], ident: str, prior: Known) -> None:
        """Delete and wait until gone; an object already gone is success."""
        self.delete_and_wait(step, ident, prior)

    def label_of(self, args: ArgsT) -> str:
        """How messages name an object before it has an id: its identity inputs, else the parts of its
        composite id the inputs hold (all but the last, which the platform gives)."""
        names = self.identity_fields or self.id_fields[:-1]
        return "/".join(str(getattr(args, name)) for name in names) or "new"

    # ---- configuration and clients ------------------------------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        # Never pickle settings or clients into __provider, whatever happened to this instance.
        return {}

    # Nothing leaving an engine method carries a credential or a Secret input.
    @scrubbed_exceptions()
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
                    cached = self.build_client(self.__dict__.get("_settings") or Settings())
                    self.__dict__["_client"] = cached
        return cached

    # ---- engine methods ----------------------------------------------------------------------

    @scrubbed_exceptions()
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> dyn.CheckResult:
        concurrency.ensure_host_widened()
        self.remember_secrets(news)
        owner = news.get(OWNER_KEY)
        outcome = check_inputs(self.args_model, news, ignored=(*self.outputs_model.field_specs(), OWNER_KEY))
        failures = [dyn.CheckFailure(f.path, scrub(f.reason)) for f in outcome.failures]
        inputs = dict(outcome.inputs)
        if owner is not None:
            inputs[OWNER_KEY] = owner
        return dyn.CheckResult(inputs, failures)

    @scrubbed_exceptions()
    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.DiffResult:
        changed, replaces, delete_first = diff_inputs(self.args_model, olds, news, self.identity_fields)
        return dyn.DiffResult(changes=bool(changed), replaces=list(replaces), delete_before_replace=delete_first)

    @scrubbed_exceptions()
    def create(self, props: dict[str, Any], timeout: float | None = None) -> dyn.CreateResult:
        args = self.validated(props)
        with self.step("creating", self.label_of(args), args.to_dict(), props.get(OWNER_KEY), timeout) as step:
            ident, observed = self.create_remote(step, args)
        return dyn.CreateResult(ident, self.outputs(observed, args.to_dict(), self.defaults_set(args)))

    @scrubbed_exceptions()
    def read(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        prior = self.prior(props)
        with self.step("reading", id_, prior) as step:
            observed = self.read_remote(step, id_, prior)
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

    @scrubbed_exceptions()
    def update(
        self, id_: str, olds: dict[str, Any], news: dict[str, Any], timeout: float | None = None
    ) -> dyn.UpdateResult:
        args = self.validated(news)
        with self.step("updating", id_, args.to_dict(), news.get(OWNER_KEY), timeout) as step:
            observed = self.update_remote(step, id_, self.prior(olds), args)
        # Every output is returned: an update that returns none erases them from state.
        return dyn.UpdateResult(self.outputs(observed, args.to_dict(), self.defaults_set(args)))

    @scrubbed_exceptions()
    def delete(self, id_: str, props: dict[str, Any], timeout: float | None = None) -> None:
        prior = self.prior(props)
        with self.step("deleting", id_, prior, None, timeout) as step:
            self.delete_remote(step, id_, prior)

    # ---- helpers -----------------------------------------------------------------------------

    @contextlib.contextmanager
    def step(
        self, action: str, ident: str, values: Known, owner: str | None = None, timeout: float | None = None
    ) -> Iterator[Step[ClientT]]:
        """One remote step: its turn where the type queues (``turn``), a slot under the concurrency cap,
        its deadline (also the thread's, for the transport), and the context every hook is handed."""
        # `timeout`: the engine's customTimeouts, which only the provider plugin is given.
        deadline = self.deadline_from(values, timeout)
        step = Step(self.client(), self.operation(action, ident), deadline, owner)
        # The type's turn first (a step queued for it holds no slot), then the slot, both within the deadline.
        with self.turn(step, values), slot_within(step), operation_deadline(deadline):
            yield step

    def operation(self, action: str, ident: str) -> Operation:
        return Operation(action, self.platform, self.resource_label, ident)

    def remember_secrets(self, values: Known) -> None:
        """`Secret` inputs join the values the one redaction path never prints."""
        remember_all(values.get(name) for name in fields_with(self.args_model, Secret))

    def validated(self, props: Known) -> ArgsT:
        self.remember_secrets(props)
        inputs = {k: v for k, v in props.items() if k in self.args_model.field_specs()}
        args, problems = self.args_model.parse(inputs)
        if args is None:
            # check has already rejected bad input; reaching here means state was edited by hand.
            fields = ", ".join(sorted({str(loc[0]) for loc, _ in problems if loc}))
            raise ProviderError(f"invalid inputs in state: {fields}")
        return args  # type: ignore[return-value]

    def prior(self, props: Known) -> dict[str, Any]:
        """Prior outputs from state, numbers normalized, without the pickled provider."""
        self.remember_secrets(props)
        return {k: normalize(v) for k, v in props.items() if k != PROVIDER_KEY}

    def deadline_from(self, values: Known, timeout: float | None = None) -> Deadline:
        """The step's deadline: ``timeout`` when given (customTimeouts, in the plugin), else the inputs'."""
        seconds = timeout or values.get("timeout_seconds") or DEFAULT_TIMEOUT_SECONDS
        return Deadline.after(float(seconds))

    def defaults_set(self, args: ResourceArgs) -> tuple[str, ...]:
        return tuple(name for name in fields_with(self.args_model, ServerDefault) if getattr(args, name) is not None)

    def outputs(self, observed: Known, inputs: Known, defaults_set: Iterable[str]) -> dict[str, Any]:
        """Outputs with stable keys: every Args field (as observed; write-only ones from the
        inputs), every Outputs field, and the bookkeeping, whether the step was create, read or update."""
        outs: dict[str, Any] = {META_KEY: {"server_defaults_set": sorted(defaults_set)}}
        for name, field in self.args_model.field_specs().items():
            outs[name] = inputs.get(name) if has_marker(field, WriteOnly) or name not in observed else observed[name]
        return outs | {name: observed.get(name) for name in self.outputs_model.field_specs()}
