"""`resources` maps a resource name to {"module", "resource", "inputs"}: one of each as configured."""

import importlib

import pulumi

for resource_name, spec in (pulumi.Config().get_object("resources") or {}).items():
    cls = getattr(importlib.import_module(spec["module"]), spec["resource"])
    created = cls(resource_name, cls.args_type(**spec["inputs"]))
    pulumi.export(resource_name, {"id": created.id})
