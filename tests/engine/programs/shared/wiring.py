"""Resources declared in stack config and wired to each other's outputs, for the catalog test programs.

A string input may hold `${other.attribute}`: that resource's output, so a stack can wire one resource
into another (a resource is made once what it refers to exists). The harness copies this module next
to every test program's `__main__.py`.
"""

import re
from collections.abc import Callable
from typing import Any

import pulumi

REF = re.compile(r"\$\{([^.}]+)\.([^}]+)\}")


def refs(value: Any) -> set[str]:
    if isinstance(value, str):
        return {m.group(1) for m in REF.finditer(value)}
    if isinstance(value, dict):
        return set().union(*(refs(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(refs(v) for v in value)) if value else set()
    return set()


def resolve(value: Any, created: dict[str, Any]) -> Any:
    if isinstance(value, str) and REF.search(value):
        parts, last = [], 0
        for match in REF.finditer(value):
            parts.append(value[last : match.start()])
            parts.append(getattr(created[match.group(1)], match.group(2)))
            last = match.end()
        parts.append(value[last:])
        return pulumi.Output.concat(*parts)
    if isinstance(value, dict):
        return {k: resolve(v, created) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, created) for v in value]
    return value


def make_all(specs: dict[str, dict[str, Any]], make: Callable[[str, dict[str, Any], Any], Any]) -> dict[str, Any]:
    """Each spec made by `make(name, spec, resolved inputs)` once what it refers to exists; each
    resource's id exported under its name."""
    created: dict[str, Any] = {}
    pending = dict(specs)
    while pending:
        ready = [name for name, spec in pending.items() if refs(spec["inputs"]) <= set(created)]
        if not ready:
            raise ValueError(f"resources refer to each other in a cycle or to unknown names: {sorted(pending)}")
        for name in ready:
            spec = pending.pop(name)
            created[name] = make(name, spec, resolve(spec["inputs"], created))
            pulumi.export(name, {"id": created[name].id})
    return created
