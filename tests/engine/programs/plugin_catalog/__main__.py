"""`resources` as for tests/engine/programs/catalog (name -> {"module", "resource", "inputs"}), each made
with the provider plugin's type (`pulumi_mlplatforms.<platform>.<Resource>`), plus optional
"import" (the `import_` option), "protect", "timeouts" (customTimeouts, e.g. {"create": "4s"}) and
"provider" (a name from `providers`, which maps a name to `pulumi_mlplatforms.Provider` arguments).

A string input may hold `${other.attribute}`: that resource's output.
"""

import importlib
import re

import pulumi
import pulumi_mlplatforms as mlp

REF = re.compile(r"\$\{([^.}]+)\.([^}]+)\}")
config = pulumi.Config()
providers = {name: mlp.Provider(name, **args) for name, args in (config.get_object("providers") or {}).items()}
specs = dict(config.get_object("resources") or {})
created: dict = {}


def refs(value):
    if isinstance(value, str):
        return {m.group(1) for m in REF.finditer(value)}
    if isinstance(value, dict):
        return set().union(*(refs(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(refs(v) for v in value)) if value else set()
    return set()


def resolve(value):
    if isinstance(value, str) and REF.search(value):
        parts, last = [], 0
        for match in REF.finditer(value):
            parts.append(value[last : match.start()])
            parts.append(getattr(created[match.group(1)], match.group(2)))
            last = match.end()
        parts.append(value[last:])
        return pulumi.Output.concat(*parts)
    if isinstance(value, dict):
        return {k: resolve(v) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v) for v in value]
    return value


def options(spec):
    timeouts = spec.get("timeouts")
    return pulumi.ResourceOptions(
        import_=spec.get("import"),
        protect=spec.get("protect", False),
        custom_timeouts=pulumi.CustomTimeouts(**timeouts) if timeouts else None,
        provider=providers[spec["provider"]] if spec.get("provider") else None,
    )


while specs:
    ready = [name for name, spec in specs.items() if refs(spec["inputs"]) <= set(created)]
    if not ready:
        raise ValueError(f"resources refer to each other in a cycle or to unknown names: {sorted(specs)}")
    for resource_name in ready:
        spec = specs.pop(resource_name)
        platform = spec["module"].split(".")[1]  # providers.<platform>.<file>
        cls = getattr(importlib.import_module(f"pulumi_mlplatforms.{platform}"), spec["resource"])
        created[resource_name] = cls(resource_name, **resolve(spec["inputs"]), opts=options(spec))
        pulumi.export(resource_name, {"id": created[resource_name].id})
