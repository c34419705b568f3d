"""The run-time side of attributes.pyi, the resource types' typed attributes (generated).

Type checkers read the stub; at run time the resource classes take those names from their models,
so each `<Platform><Resource>Attributes` is an empty base made on first import.
"""

from __future__ import annotations


def __getattr__(name: str) -> type:
    if not name.endswith("Attributes"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    base = type(name, (), {"__module__": __name__})
    globals()[name] = base
    return base
