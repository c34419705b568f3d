"""The plugin's provider: Pulumi's native provider interface over the core's ``PlatformProvider``s.

Each request goes to the method the dynamic types run, on one instance per type per plugin process (one
process per provider resource, so each has its own configuration), with the owner mark from the URN and the
engine's customTimeouts as deadline. A read by id alone (`pulumi import`, `get`) reads what the import id
names and returns the inputs to record. Remote calls block: they run on a pool as wide as the core's.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar, cast

import pulumi.dynamic as dyn
from pulumi.provider.experimental import provider as rpc

from ..catalog import RESOURCES, ResourceEntry
from ..core import concurrency, redaction
from ..core.errors import ProviderError, WaitTimeoutError
from ..core.fields import Secret, ServerDefault, WriteOnly, describe_default
from ..core.inputs import diff_inputs
from ..core.ownership import OWNER_KEY, owner_from_urn
from ..core.provider import META_KEY, PlatformProvider
from ..core.schema import fields_with
from .imports import parse_import_id
from .names import SCHEMA_PATH, camel, from_wire, to_wire, type_token
from .settings import PluginConfig, is_default_provider, parse_provider_urn, stack_config_from_cli
from .values import PropertyMap, plain, plain_map, secret_keys, wrap_map

T = TypeVar("T")
Core = PlatformProvider[Any, Any, Any]
_current = threading.local()


def current_urn() -> str:
    """The URN of the resource the calling thread works on ("" outside a request)."""
    return getattr(_current, "urn", "")


class MlPlatformsProvider(rpc.Provider):
    """One plugin process's provider: its configuration and one core provider per type."""

    def __init__(self) -> None:
        self.entries = {type_token(entry.platform, entry.resource): entry for entry in RESOURCES}
        self.provider_urn = ""
        self._config: PluginConfig = PluginConfig({})
        self._types: dict[str, Core] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=concurrency.HOST_POOL_SIZE, thread_name_prefix="mlplatforms")

    # ---- configuration -------------------------------------------------------------------------

    async def get_schema(self, request: rpc.GetSchemaRequest) -> rpc.GetSchemaResponse:
        return rpc.GetSchemaResponse(SCHEMA_PATH.read_text())

    async def configure(self, request: rpc.ConfigureRequest) -> rpc.ConfigureResponse:
        inputs = plain_map(request.args, keep_unknowns=False)
        for key, value in request.variables.items():
            # `mlplatforms:config:peakApiKey` (or `mlplatforms:peakApiKey`) for what args lack.
            inputs.setdefault(key.rsplit(":", 1)[-1], value)
        stack, _project, name = parse_provider_urn(self.provider_urn)
        loader = (lambda: stack_config_from_cli(stack)) if stack and is_default_provider(name) else None
        config = PluginConfig(inputs, loader)
        with self._lock:
            self._config = config
            for provider in self._types.values():
                provider.configure(dyn.ConfigureRequest(cast(Any, config)))
        # Not accepting outputs or resources: unknowns then arrive as the engine's sentinel, as a
        # dynamic provider sees them. No previews of create/update either, as for the dynamic types.
        return rpc.ConfigureResponse(accept_secrets=True, supports_preview=False)

    def type_provider(self, token: str) -> Core:
        """The configured core provider of a type, its module imported on first use."""
        with self._lock:
            provider = self._types.get(token)
            if provider is None:
                entry = self.entry(token)
                provider = getattr(entry.load(), entry.resource).provider_type()
                provider.configure(dyn.ConfigureRequest(cast(Any, self._config)))
                self._types[token] = provider
            return provider

    def entry(self, token: str) -> ResourceEntry:
        entry = self.entries.get(token)
        if entry is None:
            raise ProviderError(f"unknown resource type {token}")
        return entry

    # ---- check and diff ------------------------------------------------------------------------

    async def check(self, request: rpc.CheckRequest) -> rpc.CheckResponse:
        provider = self.type_provider(request.type)
        remember_secrets(request.new_inputs)
        result = provider.check({}, from_wire(plain_map(request.new_inputs)))
        failures = [rpc.CheckFailure(wire_path(f.property), f.reason) for f in result.failures or []]
        return rpc.CheckResponse(wrap_map(to_wire(result.inputs), self.secrets(provider, request.new_inputs)), failures)

    async def diff(self, request: rpc.DiffRequest) -> rpc.DiffResponse:
        provider = self.type_provider(request.type)
        olds = from_wire(plain_map(request.old_state))
        news = from_wire(plain_map(request.new_inputs))
        result = provider.diff(request.resource_id, olds, news)
        if not result.changes:
            return rpc.DiffResponse(changes=False)
        # Which fields changed, for the display (`preview --diff`); the verdict is the type's own.
        changed = diff_inputs(provider.args_model, olds, news, provider.identity_fields).changed
        replaces = set(result.replaces or ())
        kind = rpc.PropertyDiffKind
        kinds = dict.fromkeys(changed, kind.UPDATE) | dict.fromkeys(replaces, kind.UPDATE_REPLACE)
        detailed = {camel(name): rpc.PropertyDiff(kinds[name], True) for name in kinds}
        return rpc.DiffResponse(
            changes=True,
            replaces=[camel(name) for name in replaces],
            delete_before_replace=bool(result.delete_before_replace),
            diffs=list(detailed),
            detailed_diff=detailed,
        )

    # ---- create, read, update, delete ----------------------------------------------------------

    async def create(self, request: rpc.CreateRequest) -> rpc.CreateResponse:
        provider = self.type_provider(request.type)
        if request.preview:
            # Never sent (supports_preview is off), but a create in a preview must not write.
            return rpc.CreateResponse("", request.properties)
        remember_secrets(request.properties)
        props = from_wire(plain_map(request.properties, keep_unknowns=False)) | {OWNER_KEY: owner_from_urn(request.urn)}
        result = await self.remote(request.urn, "create", request.timeout, partial(provider.create, props))
        return rpc.CreateResponse(result.id, self.outputs(provider, result.outs or {}, request.properties))

    async def update(self, request: rpc.UpdateRequest) -> rpc.UpdateResponse:
        provider = self.type_provider(request.type)
        if request.preview:
            return rpc.UpdateResponse(request.news)
        remember_secrets(request.news)
        olds = from_wire(plain_map(request.olds, keep_unknowns=False))
        news = from_wire(plain_map(request.news, keep_unknowns=False)) | {OWNER_KEY: owner_from_urn(request.urn)}
        call = partial(provider.update, request.resource_id, olds, news)
        result = await self.remote(request.urn, "update", request.timeout, call)
        return rpc.UpdateResponse(self.outputs(provider, result.outs or {}, request.news))

    async def delete(self, request: rpc.DeleteRequest) -> None:
        provider = self.type_provider(request.type)
        props = from_wire(plain_map(request.properties, keep_unknowns=False))
        await self.remote(request.urn, "delete", request.timeout, partial(provider.delete, request.resource_id, props))

    async def read(self, request: rpc.ReadRequest) -> rpc.ReadResponse:
        provider = self.type_provider(request.type)
        if not request.properties and not request.inputs:
            return await self.read_by_id(request, provider)
        props = from_wire(plain_map(request.properties, keep_unknowns=False))
        result = await self.remote(request.urn, "read", 0.0, partial(provider.read, request.resource_id, props))
        if not result.id:
            return rpc.ReadResponse("", {}, {})
        outputs = self.outputs(provider, result.outs or {}, request.properties)
        if result.inputs is None:
            return rpc.ReadResponse(result.id, outputs, request.inputs)
        inputs = {k: v for k, v in to_wire(result.inputs).items() if v is not None}
        return rpc.ReadResponse(result.id, outputs, wrap_map(inputs, self.secrets(provider, request.inputs)))

    async def read_by_id(self, request: rpc.ReadRequest, provider: Core) -> rpc.ReadResponse:
        """An import: the object the import id names, and the inputs that declare it as it is."""
        entry = self.entry(request.type)
        ident, known = parse_import_id(entry.platform, entry.resource, request.resource_id)
        model = provider.args_model
        specs = model.field_specs()
        # What the platform cannot report (write-only inputs) is recorded at its default.
        prior = {name: describe_default(specs[name]) for name in fields_with(model, WriteOnly)} | known
        result = await self.remote(request.urn, "read", 0.0, partial(provider.read, ident, prior))
        if not result.id:
            operation = provider.operation("importing", request.resource_id)
            raise ProviderError(f"the {provider.what} {request.resource_id} does not exist", operation)
        outs = dict(result.outs or {})
        # The platform's choices that were read become declared inputs, so a refresh keeps them.
        read_defaults = [n for n in fields_with(model, ServerDefault) if outs.get(n) is not None]
        outs[META_KEY] = {"server_defaults_set": sorted(read_defaults)}
        inputs = {
            name: outs[name]
            for name, field in specs.items()
            if outs.get(name) is not None and (field.required or outs[name] != describe_default(field))
        }
        secret = [camel(name) for name in fields_with(model, Secret)]
        return rpc.ReadResponse(result.id, wrap_map(to_wire(outs), secret), wrap_map(to_wire(inputs), secret))

    # ---- helpers -------------------------------------------------------------------------------

    async def remote(self, urn: str, verb: str, timeout: float, call: Callable[..., T]) -> T:
        """Run a blocking provider call on the pool, its progress lines attributed to ``urn``; the
        engine's customTimeouts (``timeout``, 0 when unset) become the call's ``timeout``."""

        def run() -> T:
            _current.urn = urn
            try:
                return call(timeout=timeout) if timeout else call()
            except ProviderError as failure:
                if timeout and (isinstance(failure, WaitTimeoutError) or "gave up after" in failure.cause):
                    failure.add_cause(f" (the deadline is the resource's customTimeouts {verb} of {timeout:g}s)")
                raise
            finally:
                _current.urn = ""

        return await asyncio.get_running_loop().run_in_executor(self._pool, run)

    def secrets(self, provider: Core, given: Mapping[str, Any]) -> set[str]:
        """Wire keys to keep secret: the type's Secret fields and whatever came in as a secret."""
        models = (provider.args_model, provider.outputs_model)
        return {camel(name) for model in models for name in fields_with(model, Secret)} | secret_keys(given)

    def outputs(self, provider: Core, outs: Mapping[str, Any], given: PropertyMap) -> PropertyMap:
        """Outputs for the engine: secret where the type says so, where the input was a secret, and where
        an output echoes a secret input's value under another name (ABEJA's `userEnvVars`)."""
        wire = to_wire(outs)
        secret = self.secrets(provider, given)
        hidden = {leaf for key in secret_keys(given) for leaf in leaves(plain(given[key], keep_unknowns=False))}
        secret |= {key for key, value in wire.items() if hidden and hidden & set(leaves(value))}
        return wrap_map(wire, secret)


def remember_secrets(values: PropertyMap) -> None:
    """Values the engine handed over as secrets are never printed (the core's one redaction path)."""
    redaction.remember_all(plain(values[key], keep_unknowns=False) for key in secret_keys(values))


def leaves(value: Any) -> list[str]:
    """Every scalar inside a value, as text: what a secret may be found by."""
    if isinstance(value, Mapping):
        return [leaf for item in value.values() for leaf in leaves(item)]
    if isinstance(value, list | tuple):
        return [leaf for item in value for leaf in leaves(item)]
    return [] if value is None or isinstance(value, bool) else [str(value)]


def wire_path(path: str) -> str:
    """A check failure's dotted path with its first segment in camelCase (`image_id` -> `imageId`)."""
    head, dot, rest = path.partition(".")
    return camel(head) + dot + rest
