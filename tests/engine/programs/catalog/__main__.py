"""`resources` maps a resource name to {"module", "resource", "inputs"}: one of each as configured.

A string input may hold `${other.attribute}`: that resource's output, so a stack can wire one
resource into another (resources are created once what they refer to exists).
"""

import importlib

import pulumi
from wiring import make_all


def make(name, spec, inputs):
    cls = getattr(importlib.import_module(spec["module"]), spec["resource"])
    return cls(name, cls.args_type(**inputs))


make_all(dict(pulumi.Config().get_object("resources") or {}), make)
