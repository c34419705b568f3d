"""Wire conformance, Dataiku DSS: each DataikuClient method sends what dataiku-api-client 15.2.0
sends for the same operation (reference: shared/reference/dataiku-api.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from providers.core import Settings
from providers.dataiku.client import DataikuClient
from providers.sandbox import Sandbox
from tests.sandbox.dataiku_support import ADMIN_KEY, SANDBOX_PROJECT, ensure_dataiku_sdk_python
from tests.wire.wire_support import (
    ABSENT,
    PRESENT,
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

INPUTS: dict[str, Any] = {
    "project": SANDBOX_PROJECT,
    "new_project": {"project_key": "WIRE_PROJ", "name": "Wire project", "owner": "admin"},
    "template": {"template_label": "wire template", "template_type": "manual"},
    "studio": {"name": "wire studio", "template_id": "vscode"},
    "zone": "recipes",
    "new_owner": "analyst",
}

RULES = (
    Differ(
        "path-prefix",
        sdk="/dataiku/dip/publicapi/",
        ours="/dataiku/public/api/",
        why="dataiku-api-client uses the internal /dip/publicapi prefix; we use /public/api, the one DSS "
        "documents (both serve the same API, reference §1)",
        request=None,
    ),
    Differ(
        "content-type",
        sdk=None,
        ours="application/json",
        why="the client sends JSON bodies without Content-Type (reference T2); we label them, as DSS's docs ask",
        request=None,
        when=lambda sdk, ours: sdk.body is not None and sdk.body["kind"] == "json",
    ),
    Differ(
        "query-booleans",
        sdk="True/False",
        ours="true/false",
        why="the client sends Python's str(bool) in queries; we send lower case (reference §11 checklist); "
        "DSS parses booleans case-insensitively",
        request=None,
    ),
)
DEFAULT_FALSE = (
    "we send only the flags we set and leave this one to DSS's default; the client spells out its own "
    "default (False) every time"
)


def case(op: str, sdk: str, *differs: Differ, bug: str | None = None) -> WireCase:
    return WireCase(op=op, ours=f"DataikuClient.{op}", sdk=sdk, differs=differs, bug=bug)


CASES: list[WireCase] = [
    case(
        "get_auth_info",
        "DSSClient.get_auth_info",
        Differ(
            "query.withSecrets",
            ["False"],
            ABSENT,
            "we never ask for secrets, and DSS's default is not to return them; the client spells it out",
        ),
    ),
    case(
        "iter_projects",
        "DSSClient.list_projects",
        Differ(
            "query.includeLocation",
            ["False"],
            ABSENT,
            "list_projects always sends includeLocation=False (list_project_keys sends nothing); we send "
            "nothing, which DSS answers the same",
        ),
    ),
    case(
        "create_project",
        "DSSClient.create_project",
        *(
            Differ(
                f"body.{key}",
                PRESENT,
                ABSENT,
                "the client always sends its defaults (settings and description null, empty permissions and "
                "tags, reference T19); we send only what we set",
            )
            for key in ("settings", "description", "permissions", "tags")
        ),
    ),
    case("get_project", "DSSProject.get_summary"),
    case(
        "delete_project",
        "DSSProject.delete",
        *(
            Differ(f"query.{key}", ["False"], ABSENT, DEFAULT_FALSE)
            for key in ("clearManagedDatasets", "clearOutputManagedFolders", "clearManagedKnowledgeBanks")
        ),
    ),
    case("iter_code_studio_templates", "DSSClient.list_code_studio_templates"),
    case("create_code_studio_template", "DSSClient.create_code_studio_template"),
    case("get_code_studio_template", "DSSCodeStudioTemplate.get_settings"),
    case("update_code_studio_template", "DSSCodeStudioTemplateSettings.save"),
    case("create_code_studio_template_build", "DSSCodeStudioTemplate.build"),
    case(
        "delete_code_studio_template",
        "DSSCodeStudioTemplate.delete",
        bug="template delete must not ask DSS to delete runtimes and images unless told "
        "(the client sends deleteRuntime=False&deleteImages=False by default)",
    ),
    case("iter_code_studios", "DSSProject.list_code_studios"),
    case("create_code_studio", "DSSProject.create_code_studio"),
    case("get_code_studio", "DSSCodeStudioObject.get_settings"),
    case("get_code_studio_status", "DSSCodeStudioObject.get_status"),
    case("create_code_studio_start", "DSSCodeStudioObject.restart"),
    case("get_future", "DSSFuture.get_result"),
    case("get_zone_conflicts", "DSSCodeStudioObject.check_conflicts"),
    case("update_dss_from_zone", "DSSCodeStudioObject.pull_from_code_studio"),
    case("update_zone_from_dss", "DSSCodeStudioObject.push_to_code_studio"),
    case("update_code_studio_owner", "DSSCodeStudioObject.change_owner"),
    case("create_code_studio_stop", "DSSCodeStudioObject.stop"),
    case("delete_future", "DSSFuture.abort"),
    case("delete_code_studio", "DSSCodeStudioObject.delete"),
]
# Every DataikuClient method has a dataiku-api-client equivalent.
NO_SDK_EQUIVALENT: dict[str, str] = {}
# Operations run on both sides to get state ready, not compared (a `~` marks them).
ORDER = [
    "get_auth_info",
    "iter_projects",
    "create_project",
    "get_project",
    "delete_project",
    "iter_code_studio_templates",
    "create_code_studio_template",
    "get_code_studio_template",
    "~load_template_settings",
    "update_code_studio_template",
    "create_code_studio_template_build",
    "delete_code_studio_template",
    "iter_code_studios",
    "create_code_studio",
    "get_code_studio",
    "get_code_studio_status",
    "create_code_studio_start",
    "get_future",
    "get_zone_conflicts",
    "update_dss_from_zone",
    "update_zone_from_dss",
    "update_code_studio_owner",
    "create_code_studio_stop",
    "delete_future",
    "delete_code_studio",
]


def settings(url: str) -> Settings:
    return Settings.from_mapping({"dataiku:url": url, "dataiku:apiKey": ADMIN_KEY}, environ={})


def setup(sandbox: Sandbox) -> dict[str, str]:
    """Nothing to make: the sandbox seeds project SANDBOX and templates vscode and jupyterlab."""
    return {}


def create_template(c: OurOps) -> None:
    i = INPUTS["template"]
    c.ids["template"] = c.dss.create_code_studio_template(i["template_label"], i["template_type"])


def create_studio(c: OurOps) -> None:
    c.ids["studio"] = c.dss.create_code_studio(INPUTS["project"], **INPUTS["studio"]).id


def start_studio(c: OurOps) -> None:
    c.ids["start_job"] = c.dss.create_code_studio_start(INPUTS["project"], c.ids["studio"]).job_id


def stop_studio(c: OurOps) -> None:
    c.ids["stop_job"] = c.dss.create_code_studio_stop(INPUTS["project"], c.ids["studio"]).job_id


def load_template_settings(c: OurOps) -> None:
    c.state["template_settings"] = c.dss.get_code_studio_template(c.ids["template"])


P, NEW = INPUTS["project"], INPUTS["new_project"]
OUR_OPS: dict[str, Callable[[OurOps], Any]] = {
    "get_auth_info": lambda c: c.dss.get_auth_info(),
    "iter_projects": lambda c: list(c.dss.iter_projects()),
    "create_project": lambda c: c.dss.create_project(NEW["project_key"], NEW["name"], NEW["owner"]),
    "get_project": lambda c: c.dss.get_project(NEW["project_key"]),
    "delete_project": lambda c: c.dss.delete_project(NEW["project_key"]),
    "iter_code_studio_templates": lambda c: list(c.dss.iter_code_studio_templates()),
    "create_code_studio_template": create_template,
    "get_code_studio_template": lambda c: c.dss.get_code_studio_template(c.ids["template"]),
    "~load_template_settings": load_template_settings,
    "update_code_studio_template": lambda c: c.dss.update_code_studio_template(
        c.ids["template"], c.state["template_settings"]
    ),
    "create_code_studio_template_build": lambda c: c.dss.create_code_studio_template_build(c.ids["template"]),
    "delete_code_studio_template": lambda c: c.dss.delete_code_studio_template(c.ids["template"]),
    "iter_code_studios": lambda c: list(c.dss.iter_code_studios(P)),
    "create_code_studio": create_studio,
    "get_code_studio": lambda c: c.dss.get_code_studio(P, c.ids["studio"]),
    "get_code_studio_status": lambda c: c.dss.get_code_studio_status(P, c.ids["studio"]),
    "create_code_studio_start": start_studio,
    "get_future": lambda c: c.dss.get_future(c.ids["start_job"]),
    "get_zone_conflicts": lambda c: c.dss.get_zone_conflicts(P, c.ids["studio"], INPUTS["zone"]),
    "update_dss_from_zone": lambda c: c.dss.update_dss_from_zone(P, c.ids["studio"], INPUTS["zone"]),
    "update_zone_from_dss": lambda c: c.dss.update_zone_from_dss(P, c.ids["studio"], INPUTS["zone"]),
    "update_code_studio_owner": lambda c: c.dss.update_code_studio_owner(P, c.ids["studio"], INPUTS["new_owner"]),
    "create_code_studio_stop": stop_studio,
    "delete_future": lambda c: c.dss.delete_future(c.ids["stop_job"]),
    "delete_code_studio": lambda c: c.dss.delete_code_studio(P, c.ids["studio"]),
}


@pytest.fixture(scope="module")
def sides(sandbox_server: Sandbox) -> tuple[Side, Side]:
    python = ensure_dataiku_sdk_python()
    with RecordingProxy(sandbox_server.url) as proxy:

        def sdk_side(ids: dict[str, str]) -> Side:
            config = {"proxy": proxy.url, "ops": ORDER, "ids": ids, "inputs": INPUTS}
            return run_sdk(python, "dataiku_ops.py", config, {**clean_env(), "DKU_API_KEY": ADMIN_KEY})

        def our_side(ids: dict[str, str]) -> Side:
            dss = DataikuClient.from_settings(settings(f"{proxy.url}/dataiku"))
            return run_ours(proxy, ORDER, OUR_OPS, OurOps(ids, dss=dss))

        return run_both(sandbox_server, proxy, "dataiku", setup, sdk_side, our_side)


@pytest.mark.parametrize("case", CASES, ids=[c.op for c in CASES])
def test_same_request_as_dataiku_api_client(case: WireCase, sides: tuple[Side, Side]) -> None:
    check(case, *sides, rules=RULES)


def test_every_operation_is_run_and_compared() -> None:
    assert sorted(op for op in ORDER if not op.startswith("~")) == sorted(c.op for c in CASES)
    assert set(ORDER) == set(OUR_OPS)
