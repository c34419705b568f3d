"""`resources` maps a resource name to {"module", "resource", "inputs"}: one of each as configured.

A string input may hold `${other.attribute}`: that resource's output, so a stack can wire one
resource into another (resources are created once what they refer to exists).
"""

import importlib
import re

import pulumi

REF = re.compile(r"\$\{([^.}]+)\.([^}]+)\}")
specs = dict(pulumi.Config().get_object("resources") or {})
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


while specs:
    ready = [name for name, spec in specs.items() if refs(spec["inputs"]) <= set(created)]
    if not ready:
        raise ValueError(f"resources refer to each other in a cycle or to unknown names: {sorted(specs)}")
    for resource_name in ready:
        spec = specs.pop(resource_name)
        cls = getattr(importlib.import_module(spec["module"]), spec["resource"])
        created[resource_name] = cls(resource_name, cls.args_type(**resolve(spec["inputs"])))
        pulumi.export(resource_name, {"id": created[resource_name].id})
