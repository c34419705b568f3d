"""`resources` as for tests/engine/programs/catalog (name -> {"module", "resource", "inputs"}), each made
with the provider plugin's type (`pulumi_mlplatforms.<platform>.<Resource>`), plus optional
"import" (the `import_` option), "protect", "timeouts" (customTimeouts, e.g. {"create": "4s"}) and
"provider" (a name from `providers`, which maps a name to `pulumi_mlplatforms.Provider` arguments).

A string input may hold `${other.attribute}`: that resource's output.
"""

import importlib

import pulumi
import pulumi_mlplatforms as mlp
from wiring import make_all

config = pulumi.Config()
providers = {name: mlp.Provider(name, **args) for name, args in (config.get_object("providers") or {}).items()}


def options(spec):
    timeouts = spec.get("timeouts")
    return pulumi.ResourceOptions(
        import_=spec.get("import"),
        protect=spec.get("protect", False),
        custom_timeouts=pulumi.CustomTimeouts(**timeouts) if timeouts else None,
        provider=providers[spec["provider"]] if spec.get("provider") else None,
    )


def make(name, spec, inputs):
    platform = spec["module"].split(".")[1]  # providers.<platform>.<file>
    cls = getattr(importlib.import_module(f"pulumi_mlplatforms.{platform}"), spec["resource"])
    return cls(name, **inputs, opts=options(spec))


make_all(dict(config.get_object("resources") or {}), make)
