# mypy: ignore-errors
# (peak-sdk is installed only in the SDK virtualenv this script runs in.)
"""Drive the sandbox's Press emulator with the official peak-sdk; print a JSON summary on stdout.

Runs in the separate SDK virtualenv (standard library + peak-sdk only), with MLP_SANDBOX_URL and
PEAK_AUTH_TOKEN set: publishes a block spec (with an artifact) and an app spec built on it, a
release of each, deploys both, updates metadata, creates revisions, lists, and deletes.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import peak.session
import peak.telemetry

SANDBOX_URL = os.environ["MLP_SANDBOX_URL"].rstrip("/")


def get_base_domain(stage: str, subdomain: str | None = "service") -> str:
    """Stands in for peak.helpers.get_base_domain: every stage goes to the sandbox."""
    return f"{SANDBOX_URL}/peak/{subdomain}"


# Both modules imported the function by name, so each binding is patched.
peak.session.get_base_domain = get_base_domain
peak.telemetry.get_base_domain = get_base_domain

from peak.press import apps, blocks, deployments, specs  # noqa: E402


def exception_name(call: Any) -> str | None:
    try:
        call()
    except Exception as error:
        return type(error).__name__
    return None


def until(describe: Any, final: set[str], limit: int = 40) -> list[str]:
    """Describe until `metadata.status` is in `final`; the statuses seen."""
    seen: list[str] = []
    for _ in range(limit):
        status = describe()["metadata"]["status"]
        seen.append(status)
        if status in final:
            return seen
        time.sleep(0.05)
    raise AssertionError(f"never reached {final}: {seen}")


def metadata(name: str) -> dict[str, Any]:
    return {"name": name, "title": name.title(), "summary": f"{name} summary", "tags": [{"name": "sdk"}]}


def scenario(artifact_dir: Path) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    block_client, app_client = blocks.get_client(), apps.get_client()
    spec_client, deployment_client = specs.get_client(), deployments.get_client()
    artifact = {"path": str(artifact_dir)}

    block_body = {
        "version": 1,
        "kind": "workflow",
        "metadata": metadata("sdk-block"),
        "release": {"version": "1.0.0", "notes": "first"},
        "config": {"steps": {"run": {"type": "standard", "command": "python main.py"}}},
    }
    run_params = {"run": [{"name": "greeting", "type": "string", "required": False, "defaultValue": "hi"}]}
    block_id = block_client.create_spec(block_body, artifact=artifact, parameters=run_params)["id"]
    bare_id = block_client.create_spec({**block_body, "metadata": metadata("sdk-bare")})["id"]
    described = block_client.describe_spec(block_id)
    summary["block_spec"] = {
        "featured": described["featured"],
        "scope": described["scope"],
        "status": described["metadata"]["status"],
        "has_artifact": "id" in (described["latestRelease"].get("artifact") or {}),
        "run_parameters": [p["name"] for p in described["latestRelease"]["parameters"]["run"]],
    }
    summary["bare_has_artifact"] = "artifact" in block_client.describe_spec(bare_id)["latestRelease"]
    released = block_client.create_spec_release(
        block_id,
        {"release": {"version": "1.1.0", "notes": "second"}, "config": block_body["config"]},
        artifact=artifact,
    )
    summary["block_release"] = released
    summary["block_release_described"] = block_client.describe_spec_release(block_id, "1.1.0")["version"]
    summary["block_latest"] = block_client.describe_spec(block_id)["latestRelease"]["version"]
    summary["block_releases_listed"] = [r["version"] for r in block_client.list_spec_releases(block_id)]

    app_body = {
        "version": 1,
        "kind": "app",
        "metadata": metadata("sdk-app"),
        "release": {"version": "1.0.0", "notes": "first"},
        "config": [{"id": block_id, "release": {"version": "1.0.0"}}],
    }
    app_spec_id = app_client.create_spec(app_body, featured=True, scope="private")["id"]
    app_client.create_spec_release(
        app_spec_id,
        {
            "release": {"version": "1.1.0", "notes": "second"},
            "config": [{"id": block_id, "release": {"version": "1.1.0"}}],
        },
    )
    summary["app_latest_config"] = app_client.describe_spec(app_spec_id)["latestRelease"]["config"]
    app_client.update_spec_metadata(app_spec_id, {"metadata": {"title": "Renamed app"}})
    summary["app_title"] = app_client.describe_spec(app_spec_id)["metadata"]["title"]
    summary["specs_listed"] = sorted(s["metadata"]["name"] for s in spec_client.list_specs(page_size=1))
    summary["specs_featured"] = [s["metadata"]["name"] for s in spec_client.list_specs(featured=True)]
    summary["specs_workflow"] = sorted(s["metadata"]["name"] for s in spec_client.list_specs(kind="workflow"))

    block_deployment = block_client.create_deployment(
        {
            "metadata": metadata("sdk-block-dep"),
            "parameters": {"run": {"greeting": "hello"}},
            "revision": {"notes": "first"},
            "spec": {"id": block_id, "release": {"version": "1.0.0"}},
        }
    )["id"]
    summary["block_statuses"] = until(lambda: block_client.describe_deployment(block_deployment), {"deployed"})
    app_deployment = app_client.create_deployment(
        {
            "metadata": metadata("sdk-app-dep"),
            "appParameters": {"run": {"region": "eu"}},
            "parameters": {"sdk-block": {"run": {"greeting": "from app"}}},
            "revision": {"notes": "first"},
            "spec": {"id": app_spec_id, "release": {"version": "1.0.0"}},
        }
    )["id"]
    summary["app_statuses"] = until(lambda: app_client.describe_deployment(app_deployment), {"deployed"})
    app_described = app_client.describe_deployment(app_deployment)
    child = app_described["latestRevision"]["blocks"][0]
    child_described = block_client.describe_deployment(child["deploymentId"])
    summary["child"] = {
        "parent": child_described["parent"]["id"] == app_deployment,
        "spec": child_described["spec"]["id"] == block_id,
        "parameters": child_described["parameters"]["run"],
        "status": child["status"],
    }
    summary["unknown_release"] = exception_name(
        lambda: block_client.create_deployment(
            {
                "metadata": metadata("sdk-nope"),
                "revision": {"notes": "x"},
                "spec": {"id": block_id, "release": {"version": "9.9.9"}},
            }
        )
    )

    updated = block_client.update_deployment_metadata(block_deployment, {"title": "New title", "summary": "new"})
    summary["metadata_update_returns"] = updated.get("metadata", {}).get("title")
    app_client.update_deployment_metadata(app_deployment, {"description": "described"})
    summary["app_description"] = app_client.describe_deployment(app_deployment)["metadata"]["description"]

    revision = block_client.create_deployment_revision(
        block_deployment,
        {
            "release": {"version": "1.1.0"},
            "revision": {"notes": "second"},
            "parameters": {"run": {"greeting": "again"}},
        },
    )
    summary["block_revision"] = revision["revision"]
    until(lambda: block_client.describe_deployment(block_deployment), {"deployed"})
    summary["block_revisions_listed"] = [
        (r["revision"], r["status"]) for r in block_client.list_deployment_revisions(block_deployment, page_size=1)
    ]
    summary["block_revision_described"] = block_client.describe_deployment_revision(block_deployment, "2")["status"]
    app_revision = app_client.create_deployment_revision(
        app_deployment,
        {
            "release": {"version": "1.1.0"},
            "revision": {"notes": "second"},
            "parameters": {"sdk-block": {"run": {"greeting": "v2"}}},
        },
    )
    summary["app_revision"] = app_revision["revision"]
    until(lambda: app_client.describe_deployment(app_deployment), {"deployed"})
    summary["app_revisions_listed"] = [r["revision"] for r in app_client.list_deployment_revisions(app_deployment)]
    summary["app_revision_described"] = app_client.describe_deployment_revision(app_deployment, "1")["status"]
    summary["redeploy_deployed"] = exception_name(lambda: block_client.redeploy(block_deployment))

    summary["run_params"] = block_client.get_parameters(block_deployment)
    summary["run_params_patched"] = block_client.patch_parameters(block_deployment, {"extra": 1})
    summary["run_params_v2_app"] = deployment_client.patch_parameters_v2(
        app_deployment, {"appParameters": {"region": "us"}, "parameters": {"sdk-block": {"greeting": "patched"}}}
    )
    child_id = app_client.describe_deployment(app_deployment)["latestRevision"]["blocks"][0]["deploymentId"]
    summary["child_run_params"] = block_client.get_parameters(child_id)
    summary["executed"] = deployment_client.execute_resources(block_deployment)["executeResponse"]

    summary["release_deployments"] = sorted(
        d["metadata"]["name"] for d in spec_client.list_spec_release_deployments(block_id, version="1.1.0", page_size=1)
    )
    summary["release_deployments_old"] = [
        d["metadata"]["name"] for d in spec_client.list_spec_release_deployments(block_id, version="1.0.0")
    ]
    summary["app_deployments"] = [d["metadata"]["name"] for d in app_client.list_deployments(status=["deployed"])]
    summary["block_deployments"] = sorted(d["metadata"]["name"] for d in block_client.list_deployments(page_size=1))
    summary["all_deployments"] = len(list(deployment_client.list_deployments()))

    summary["spec_in_use"] = exception_name(lambda: block_client.delete_spec(block_id))
    block_client.delete_deployment(block_deployment)
    app_client.delete_deployment(app_deployment)
    until_gone = []
    for getter in (
        lambda: block_client.describe_deployment(block_deployment),
        lambda: app_client.describe_deployment(app_deployment),
    ):
        for _ in range(40):
            name = exception_name(getter)
            if name is not None:
                until_gone.append(name)
                break
            time.sleep(0.05)
    summary["after_delete"] = until_gone
    app_client.delete_spec(app_spec_id)
    block_client.delete_spec(block_id)
    summary["spec_after_delete"] = exception_name(lambda: block_client.describe_spec(block_id))
    return summary


def cli_tables() -> dict[str, Any]:
    """The peak CLI's table output of the Press lists, run in this process (the patch applies)."""
    from peak.cli.cli import typer_app
    from typer.testing import CliRunner

    block_client, app_client = blocks.get_client(), apps.get_client()
    seeded_block, seeded_app = "5eed0000-b10c-4000-8000-000000000001", "5eed0000-a990-4000-8000-000000000002"
    block = block_client.create_deployment(
        {"metadata": metadata("cli-block"), "revision": {"notes": "n"}, "spec": {"id": seeded_block}}
    )["id"]
    app_client.create_deployment(
        {"metadata": metadata("cli-app"), "revision": {"notes": "n"}, "spec": {"id": seeded_app}}
    )
    block_client.describe_deployment(block)
    runner = CliRunner()
    commands = {
        "specs": ["specs", "list"],
        "block_specs": ["blocks", "specs", "list"],
        "app_specs": ["apps", "specs", "list"],
        "block_releases": ["blocks", "specs", "list-releases", "--spec-id", seeded_block],
        "block_deployments": ["blocks", "deployments", "list", "--status", "deployed,deploying"],
        "app_deployments": ["apps", "deployments", "list"],
        "deployments": ["deployments", "list"],
        "revisions": ["blocks", "deployments", "list-revisions", block],
        "release_deployments": ["specs", "list-release-deployments", "--spec-id", seeded_block, "--version", "1.1.0"],
    }
    tables: dict[str, Any] = {}
    for name, args in commands.items():
        result = runner.invoke(typer_app, [*args, "--output", "table"], env={"COLUMNS": "300"})
        tables[name] = {"exit_code": result.exit_code, "output": result.output, "error": repr(result.exception)}
    return tables


if __name__ == "__main__":
    if sys.argv[1:] == ["cli"]:
        print(json.dumps(cli_tables()))
        raise SystemExit(0)
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "main.py").write_text("print('hello from the block')\n")
        (Path(folder) / "Dockerfile").write_text("FROM python:3.11-slim\n")
        result = scenario(Path(folder))
    result["wrong_token"] = exception_name(lambda: peak.session.Session(auth_token="not-a-sandbox-token"))
    print(json.dumps(result))
