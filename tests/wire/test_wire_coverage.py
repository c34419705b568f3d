"""The wire tier covers every client: each public method of every API client is compared with its
official-SDK equivalent, or listed with the reason it has none. A new client method (or a new
platform's client) fails here until it joins the tier."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

from tests.wire import test_abeja_wire, test_appconfig_wire, test_dataiku_wire, test_peak_wire
from tests.wire.wire_support import client_classes, public_methods

ROOT = Path(__file__).resolve().parents[2]
WIRE_MODULES: dict[str, ModuleType] = {
    "peak": test_peak_wire,
    "dataiku": test_dataiku_wire,
    "abeja": test_abeja_wire,
    "appconfig": test_appconfig_wire,
}


def platforms_with_a_client() -> list[str]:
    return sorted(path.parent.name for path in (ROOT / "providers").glob("*/client.py"))


def client_methods() -> set[str]:
    modules = [importlib.import_module(f"providers.{name}.client") for name in platforms_with_a_client()]
    return set().union(*(public_methods(cls) for cls in client_classes(modules)))


def test_every_platform_with_a_client_has_a_wire_module() -> None:
    assert platforms_with_a_client() == sorted(WIRE_MODULES)
    for name in WIRE_MODULES:
        assert (ROOT / "tests" / "wire" / f"test_{name}_wire.py").exists()


def test_every_client_method_is_compared_or_has_no_sdk_equivalent() -> None:
    methods = client_methods()
    covered = {case.method for module in WIRE_MODULES.values() for case in module.CASES}
    excused = {name: why for module in WIRE_MODULES.values() for name, why in module.NO_SDK_EQUIVALENT.items()}

    assert sorted(methods - covered - set(excused)) == [], "client methods neither compared nor excused"
    assert sorted((covered | set(excused)) - methods) == [], "cases or excuses naming no client method"
    assert sorted(covered & set(excused)) == [], "both compared and excused"
    assert all(why.strip() for why in excused.values()), "an excuse needs its reason"


def test_every_case_has_a_distinct_id_and_names_its_sdk_call() -> None:
    for module in WIRE_MODULES.values():
        ops = [case.op for case in module.CASES]
        assert len(ops) == len(set(ops)), module.__name__
        assert all(case.sdk for case in module.CASES)
        for case in module.CASES:
            assert all(differ.why.strip() for differ in case.differs), f"{case.op}: a difference needs its reason"
