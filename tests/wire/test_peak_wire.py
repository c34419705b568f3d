"""Wire conformance, Peak: each PeakClient and PeakPressClient method sends what peak-sdk 1.29.0
sends for the same operation (reference: shared/reference/peak-api.md)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest

from providers.core import Settings
from providers.peak.client import PeakPressClient
from providers.sandbox import Sandbox
from tests.harness import PEAK_TEST_KEY
from tests.sandbox.sandbox_support import ensure_peak_sdk_python
from tests.wire.wire_support import (
    ABSENT,
    Differ,
    OurOps,
    RecordingProxy,
    Side,
    WireCase,
    check,
    clean_env,
    run_both,
    run_ours,
    run_sdk,
)

# The first test builds the SDK's virtualenv when this machine has none yet (minutes, once).
pytestmark = [pytest.mark.sdk, pytest.mark.timeout(900)]

SEEDED_BLOCK = "5eed0000-b10c-4000-8000-000000000001"
SEEDED_APP = "5eed0000-a990-4000-8000-000000000002"
FAMILIES = ("block", "app")


def metadata(name: str) -> dict[str, Any]:
    return {"name": name, "title": name.title(), "summary": f"{name} summary", "tags": [{"name": "wire"}]}


def block_document(name: str) -> dict[str, Any]:
    return {
        "version": 1,
        "kind": "workflow",
        "metadata": metadata(name),
        "release": {"version": "1.0.0", "notes": "first"},
        "config": {"steps": {"run": {"type": "standard", "command": "python main.py"}}},
    }


def app_document(name: str) -> dict[str, Any]:
    return {
        "version": 1,
        "kind": "app",
        "metadata": metadata(name),
        "release": {"version": "1.0.0", "notes": "first"},
        "config": [{"id": SEEDED_BLOCK, "release": {"version": "1.0.0"}}],
    }


# The same inputs go to both sides.
INPUTS: dict[str, Any] = {
    "service": {
        "name": "wire-web",
        "title": "Wire web",
        "description": "made by the wire tier",
        "serviceType": "web-app",
        "imageDetails": {"imageId": 101, "versionId": 1},
        "resources": {"instanceTypeId": 2},
        "parameters": {"env": {"A": "1"}, "secrets": ["s1"]},
    },
    "service_patch": {"title": "Renamed"},
    "service_filters": {"name": "wire", "status": ["AVAILABLE"], "service_type": ["web-app"]},
    "service_test": {"service_name": "wire-api", "http_method": "post", "path": "/predict", "payload": {"x": 1}},
    "spec_filters": {"kind": ["app"], "featured": True, "term": "wire"},
    # A block spec published without parameters, with an empty tenant list (as a user may write it).
    "block_spec": {"document": block_document("wire-block"), "featured": None, "scope": "private", "tenants": []},
    "app_spec": {"document": app_document("wire-app"), "featured": True, "scope": "private", "tenants": []},
    "block_release": {
        "release": {"version": "1.1.0", "notes": "second"},
        "config": {"steps": {"run": {"type": "standard", "command": "python main.py --v2"}}},
    },
    "app_release": {
        "release": {"version": "1.1.0", "notes": "second"},
        "config": [{"id": SEEDED_BLOCK, "release": {"version": "1.1.0"}}],
    },
    "spec_metadata": {"metadata": {"title": "Renamed spec"}},
    "block_deployment": {"metadata": metadata("wire-block-dep"), "revision": {"notes": "first"}},
    "app_deployment": {"metadata": metadata("wire-app-dep"), "revision": {"notes": "first"}},
    "deployment_metadata": {"title": "New title", "summary": "new summary"},
    "block_revision": {"release": {"version": "1.1.0"}, "revision": {"notes": "second"}},
    "app_revision": {"release": {"version": "1.1.0"}, "revision": {"notes": "second"}},
}

# ---- what we send differently on purpose ----------------------------------------------------------

PAGE_SIZE = Differ(
    "query.pageSize",
    sdk=ABSENT,
    ours=["100"],
    why="our iterators ask for 100 items a page (fewer round trips); the SDK sends pageSize only when given",
)
LOWERCASE_FEATURED = Differ(
    "query.featured",
    sdk=["True"],
    ours=["true"],
    why="the SDK sends Python's str(bool) (reference T6); we send lower case, which the platform also parses",
)
EMPTY_BODY = "peak-sdk sends a literal {} JSON body on every GET and DELETE (reference T8); we send none"
RULES = tuple(
    Differ(facet, sdk=sdk, ours=None, why=EMPTY_BODY, request=None, when=lambda a, b: a.method in ("GET", "DELETE"))
    for facet, sdk in (("body", {"kind": "json", "keys": []}), ("content-type", "application/json"))
)


def case(op: str, ours: str, sdk: str, *differs: Differ, bug: str | None = None) -> WireCase:
    return WireCase(op=op, ours=ours, sdk=sdk, differs=differs, bug=bug)


def family_cases(family: str) -> list[WireCase]:
    sdk = f"peak.press.{family}s.{family.title()}"
    ours, tag = "PeakPressClient", f":{family}"
    spec_bugs = {
        "block": 'block spec multipart with `parameters` ("null") though there are none, or `tenants` ("[]") '
        "for an empty list: peak-sdk sends neither field then",
        "app": 'app spec with `tenants` ("[]") for an empty list: peak-sdk sends it only when there are some',
    }
    release_bug = {
        "block": 'block release multipart with `parameters` ("null") though there are none: peak-sdk leaves it out',
        "app": None,
    }
    return [
        case(f"create_spec{tag}", f"{ours}.create_spec[{family}]", f"{sdk}.create_spec", bug=spec_bugs[family]),
        case(f"get_spec{tag}", f"{ours}.get_spec[{family}]", f"{sdk}.describe_spec"),
        case(
            f"create_spec_release{tag}",
            f"{ours}.create_spec_release[{family}]",
            f"{sdk}.create_spec_release",
            bug=release_bug[family],
        ),
        case(f"get_spec_release{tag}", f"{ours}.get_spec_release[{family}]", f"{sdk}.describe_spec_release"),
        case(f"update_spec_metadata{tag}", f"{ours}.update_spec_metadata[{family}]", f"{sdk}.update_spec_metadata"),
        case(f"iter_family_specs{tag}", f"{ours}.iter_family_specs[{family}]", f"{sdk}.list_specs", PAGE_SIZE),
        case(
            f"iter_spec_releases{tag}", f"{ours}.iter_spec_releases[{family}]", f"{sdk}.list_spec_releases", PAGE_SIZE
        ),
        case(f"delete_spec{tag}", f"{ours}.delete_spec[{family}]", f"{sdk}.delete_spec"),
        case(f"create_deployment{tag}", f"{ours}.create_deployment[{family}]", f"{sdk}.create_deployment"),
        case(f"get_deployment{tag}", f"{ours}.get_deployment[{family}]", f"{sdk}.describe_deployment"),
        case(
            f"update_deployment_metadata{tag}",
            f"{ours}.update_deployment_metadata[{family}]",
            f"{sdk}.update_deployment_metadata",
        ),
        case(
            f"create_deployment_revision{tag}",
            f"{ours}.create_deployment_revision[{family}]",
            f"{sdk}.create_deployment_revision",
        ),
        case(
            f"get_deployment_revision{tag}",
            f"{ours}.get_deployment_revision[{family}]",
            f"{sdk}.describe_deployment_revision",
        ),
        case(
            f"iter_deployment_revisions{tag}",
            f"{ours}.iter_deployment_revisions[{family}]",
            f"{sdk}.list_deployment_revisions",
            PAGE_SIZE,
        ),
        case(f"iter_deployments{tag}", f"{ours}.iter_deployments[{family}]", f"{sdk}.list_deployments", PAGE_SIZE),
        case(f"create_redeployment{tag}", f"{ours}.create_redeployment[{family}]", f"{sdk}.redeploy"),
        case(f"delete_deployment{tag}", f"{ours}.delete_deployment[{family}]", f"{sdk}.delete_deployment"),
    ]


SERVICE_SDK = "peak.resources.services.Service"
CASES: list[WireCase] = [
    case("create_service", "PeakClient.create_service", f"{SERVICE_SDK}.create_service"),
    case("get_service", "PeakClient.get_service", f"{SERVICE_SDK}.describe_service"),
    case("update_service", "PeakClient.update_service", f"{SERVICE_SDK}.update_service"),
    case("iter_services", "PeakClient.iter_services", f"{SERVICE_SDK}.list_services", PAGE_SIZE),
    case("test_service", "PeakClient.test_service", f"{SERVICE_SDK}.test_service"),
    case("delete_service", "PeakClient.delete_service", f"{SERVICE_SDK}.delete_service"),
    case("iter_specs", "PeakPressClient.iter_specs", "peak.press.specs.Spec.list_specs", PAGE_SIZE, LOWERCASE_FEATURED),
    case(
        "iter_spec_release_deployments",
        "PeakPressClient.iter_spec_release_deployments",
        "peak.press.specs.Spec.list_spec_release_deployments",
        PAGE_SIZE,
    ),
    *family_cases("block"),
    *family_cases("app"),
]
# Every Peak client method has a peak-sdk equivalent.
NO_SDK_EQUIVALENT: dict[str, str] = {}

# The order both sides run the operations in: each one's state is what the ones before left.
ORDER = [
    "create_service",
    "get_service",
    "update_service",
    "iter_services",
    "test_service",
    "delete_service",
    *(f"{op}:{family}" for family in FAMILIES for op in ("create_spec", "get_spec", "create_spec_release")),
    *(f"{op}:{family}" for family in FAMILIES for op in ("get_spec_release", "update_spec_metadata")),
    "iter_specs",
    *(f"{op}:{family}" for family in FAMILIES for op in ("iter_family_specs", "iter_spec_releases", "delete_spec")),
    *(f"{op}:{family}" for family in FAMILIES for op in ("create_deployment", "get_deployment")),
    *(f"{op}:{family}" for family in FAMILIES for op in ("update_deployment_metadata", "create_deployment_revision")),
    *(f"{op}:{family}" for family in FAMILIES for op in ("get_deployment_revision", "iter_deployment_revisions")),
    *(f"iter_deployments:{family}" for family in FAMILIES),
    "iter_spec_release_deployments",
    *(f"{op}:{family}" for family in FAMILIES for op in ("create_redeployment", "delete_deployment")),
]


def settings(endpoint: str) -> Settings:
    return Settings.from_mapping({"peak:apiKey": PEAK_TEST_KEY, "peak:endpoint": endpoint}, environ={})


def setup(sandbox: Sandbox) -> dict[str, str]:
    """What the operations need besides what they make: an API service, a spec of each family to
    delete, and a deployment of each family whose rollout failed (to redeploy)."""
    client = PeakPressClient.from_settings(settings(sandbox.peak_endpoint))
    api = client.create_service({"name": "wire-api", "serviceType": "api", "imageDetails": {"imageId": 101}})
    client.get_service(api)  # the sandbox advances states on reads: AVAILABLE from here
    ids = {
        "doomed_block_spec": client.create_spec("block", block_document("wire-doomed-block")),
        "doomed_app_spec": client.create_spec("app", app_document("wire-doomed-app")),
    }
    for family, spec in (("block", SEEDED_BLOCK), ("app", SEEDED_APP)):
        name = f"wire-failing-{family}"
        sandbox.fail_next("peak/press", operation="deploy", name=name, reason="the wire tier wants it failed")
        body = {
            "metadata": metadata(name),
            "revision": {"notes": "n"},
            "spec": {"id": spec, "release": {"version": "1.0.0"}},
        }
        ids[f"failing_{family}_dep"] = deployment = client.create_deployment(family, body)
        client.get_deployment(family, deployment)
    return ids


def artifact_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("main.py", "print('hello from the block')\n")
    return buffer.getvalue()


def our_family_ops(family: str) -> dict[str, Callable[[OurOps], Any]]:
    spec, doomed, dep = f"{family}_spec", f"doomed_{family}_spec", f"{family}_dep"
    artifact = artifact_zip() if family == "block" else None

    def create_spec(c: OurOps) -> None:
        i = INPUTS[spec]
        c.ids[spec] = c.press.create_spec(
            family, i["document"], featured=i["featured"], scope=i["scope"], tenants=i["tenants"], artifact=artifact
        )

    def create_deployment(c: OurOps) -> None:
        body = {**INPUTS[f"{family}_deployment"], "spec": {"id": c.ids[spec], "release": {"version": "1.0.0"}}}
        c.ids[dep] = c.press.create_deployment(family, body)

    return {
        f"create_spec:{family}": create_spec,
        f"get_spec:{family}": lambda c: c.press.get_spec(family, c.ids[spec]),
        f"create_spec_release:{family}": lambda c: c.press.create_spec_release(
            family, c.ids[spec], INPUTS[f"{family}_release"], artifact=artifact
        ),
        f"get_spec_release:{family}": lambda c: c.press.get_spec_release(family, c.ids[spec], "1.1.0"),
        f"update_spec_metadata:{family}": lambda c: c.press.update_spec_metadata(
            family, c.ids[spec], INPUTS["spec_metadata"]
        ),
        f"iter_family_specs:{family}": lambda c: list(c.press.iter_family_specs(family, name="wire")),
        f"iter_spec_releases:{family}": lambda c: list(c.press.iter_spec_releases(family, c.ids[spec])),
        f"delete_spec:{family}": lambda c: c.press.delete_spec(family, c.ids[doomed]),
        f"create_deployment:{family}": create_deployment,
        f"get_deployment:{family}": lambda c: c.press.get_deployment(family, c.ids[dep]),
        f"update_deployment_metadata:{family}": lambda c: c.press.update_deployment_metadata(
            family, c.ids[dep], INPUTS["deployment_metadata"]
        ),
        f"create_deployment_revision:{family}": lambda c: c.press.create_deployment_revision(
            family, c.ids[dep], INPUTS[f"{family}_revision"]
        ),
        f"get_deployment_revision:{family}": lambda c: c.press.get_deployment_revision(family, c.ids[dep], 2),
        f"iter_deployment_revisions:{family}": lambda c: list(c.press.iter_deployment_revisions(family, c.ids[dep])),
        f"iter_deployments:{family}": lambda c: list(c.press.iter_deployments(family, name="wire")),
        f"create_redeployment:{family}": lambda c: c.press.create_redeployment(family, c.ids[f"failing_{family}_dep"]),
        f"delete_deployment:{family}": lambda c: c.press.delete_deployment(family, c.ids[dep]),
    }


def create_service(c: OurOps) -> None:
    c.ids["service"] = c.press.create_service(INPUTS["service"])


OUR_OPS: dict[str, Callable[[OurOps], Any]] = {
    "create_service": create_service,
    "get_service": lambda c: c.press.get_service(c.ids["service"]),
    "update_service": lambda c: c.press.update_service(c.ids["service"], INPUTS["service_patch"]),
    "iter_services": lambda c: list(c.press.iter_services(**INPUTS["service_filters"])),
    "test_service": lambda c: c.press.test_service(**INPUTS["service_test"]),
    "delete_service": lambda c: c.press.delete_service(c.ids["service"]),
    "iter_specs": lambda c: list(c.press.iter_specs(**INPUTS["spec_filters"])),
    "iter_spec_release_deployments": lambda c: list(
        c.press.iter_spec_release_deployments(c.ids["block_spec"], version="1.1.0")
    ),
    **our_family_ops("block"),
    **our_family_ops("app"),
}


@pytest.fixture(scope="module")
def sides(sandbox_server: Sandbox) -> tuple[Side, Side]:
    python = ensure_peak_sdk_python()
    with RecordingProxy(sandbox_server.url) as proxy:

        def sdk_side(ids: dict[str, str]) -> Side:
            config = {"proxy": proxy.url, "ops": ORDER, "ids": ids, "inputs": INPUTS}
            return run_sdk(python, "peak_ops.py", config, {**clean_env(), "PEAK_AUTH_TOKEN": PEAK_TEST_KEY})

        def our_side(ids: dict[str, str]) -> Side:
            press = PeakPressClient.from_settings(settings(f"{proxy.url}/peak/{{subdomain}}"))
            return run_ours(proxy, ORDER, OUR_OPS, OurOps(ids, press=press))

        return run_both(sandbox_server, proxy, "peak", setup, sdk_side, our_side)


@pytest.mark.parametrize("case", CASES, ids=[c.op for c in CASES])
def test_same_request_as_peak_sdk(case: WireCase, sides: tuple[Side, Side]) -> None:
    check(case, *sides, rules=RULES)


def test_every_operation_is_run_and_compared() -> None:
    assert sorted(ORDER) == sorted(c.op for c in CASES)
    assert set(ORDER) == set(OUR_OPS)
