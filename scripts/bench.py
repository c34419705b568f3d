"""Benchmark: our providers through the real engine, against the engine's own floor.

Prints a table (or, with --json, one JSON object keyed P1..P5):
  P1  `pulumi up` of N resources against the sandbox with a simulated readiness latency, divided by
      `pulumi up` of N no-op dynamic resources whose create sleeps the same latency (target <= 1.15)
  P2  no-change `pulumi preview` of that stack: platform requests (target 0) and time ratio to the
      no-op stack's no-change preview (target <= 1.05): the median of the ratios of back-to-back
      previews, since the machine's speed drifts over minutes; CPU time beside it
The no-op stack runs the same program shape (same config, inputs and exports); only the provider
differs. Our modules are byte-compiled first, as any installed package is.
  P3  platform requests per lifecycle step per resource type
  P4  bytes of `__provider` and of state per resource
  P5  cold `import providers.<platform>` time, ms
  P6  scaling: `pulumi up`, no-change `pulumi preview` and `pulumi destroy` of 10, 40 and 160 resources
      (the catalog's mix), ours against the no-op floor measured in the same run, and platform
      requests per resource; the ratio at 160 should be no worse than at 40
  P7  the same stack through the provider plugin (`mlplatforms:<platform>:<Resource>`, its own stack
      config keys): its `up` and no-change `preview` against the dynamic types' in the same run (goal: no slower)
P1 is measured at the engine's default `--parallel` and at `--parallel 32`, against the no-op floor,
which the dynamic-provider host runs 4 wide whatever `--parallel` says; ideal is ceil(N/p)*L.
Run it from the project root, as a module, with the project's virtualenv (scripts/bootstrap.sh sets it
up): `.venv/bin/python -m scripts.bench` (add `--json`, `--only-scaling`, ...). As a module it imports
the shared test harness (`tests/harness.py`) and the package as they are laid out, with no path edits.
"""

from __future__ import annotations

import argparse
import base64
import compileall
import json
import math
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import dill

from providers.plugin.names import config_property
from providers.sandbox import Sandbox
from tests.samples import RESOURCES

try:
    from tests.appconfig_support import boto_client
    from tests.harness import (
        PulumiProject,
        base_env,
        interrupt_by_default,
        platform_requests,
        point_at_sandbox,
        process_tree,
        sandbox_config,
    )
except ModuleNotFoundError as missing:  # started as a file, not as a module from the project root
    raise SystemExit(f"bench: {missing}; run it from the project root: .venv/bin/python -m scripts.bench") from None

ROOT = Path(__file__).resolve().parent.parent

CATALOG_PROGRAM = ROOT / "tests" / "engine" / "programs" / "catalog"
PLUGIN_PROGRAM = ROOT / "tests" / "engine" / "programs" / "plugin_catalog"
# The resource types a run uses (--types); every type in the catalog by default.
SELECTED = list(RESOURCES)


def catalog_resources(count: int, changed: bool = False) -> dict[str, Any]:
    """`count` resources spread over every type in the catalog, from each entry's sample inputs."""
    resources = {}
    for i in range(count):
        entry = SELECTED[i % len(SELECTED)]
        changes = (entry.in_place,) if changed else ()
        resources[f"r{i}"] = {"module": entry.module, "resource": entry.resource, "inputs": entry.inputs(i, *changes)}
    return resources


def plugin_resources(count: int) -> dict[str, Any]:
    """The same mix for the plugin's stack, indexed past ours so the two stacks' objects never share a name."""
    return {
        f"p{i}": {**spec, "inputs": SELECTED[i % len(SELECTED)].inputs(count + i)}
        for i, spec in enumerate(catalog_resources(count).values())
    }


def point_plugin_at_sandbox(project: PulumiProject, sandbox: Sandbox) -> None:
    """The plugin's own stack config (`mlplatforms:peakApiKey`, ...), as a stack made for the plugin has it."""
    plain, secret = sandbox_config(sandbox)
    args = [f"--plaintext=mlplatforms:{config_property(k)}={v}" for k, v in plain.items()]
    args += [f"--secret=mlplatforms:{config_property(k)}={v}" for k, v in secret.items()]
    project.run("config", "set-all", *args)


def spread_deployments(sandbox: Sandbox, resources: dict[str, Any]) -> dict[str, Any]:
    """The resources with each AppConfig Deployment sent to an environment of its own.

    AppConfig runs one deployment at a time per environment, and the catalog's sample sends every
    deployment to the one environment the sandbox seeds: many of them would measure that queue,
    not our parallelism. As in a real stack, each goes to its own environment, created here
    through AppConfig's API (call this after every sandbox reset).
    """
    wanted = [name for name, spec in resources.items() if spec["module"] == "providers.appconfig.deployment"]
    if not wanted:
        return resources
    appconfig = boto_client(sandbox)
    spread = dict(resources)
    for name in wanted:
        inputs = spread[name]["inputs"]
        created = appconfig.create_environment(ApplicationId=inputs["application_id"], Name=f"bench-{name}")
        spread[name] = {**spread[name], "inputs": {**inputs, "environment_id": created["Id"]}}
    return spread


def same_data_resources(project: PulumiProject) -> dict[str, Any]:
    """A no-op config holding, as each resource's inputs, the outputs our resources have in state.

    The no-op floor's state holds only the inputs (the output attributes it declares stay empty);
    ours holds every output the platform reports. A no-op stack carrying the same data shows how
    much of our cost is the engine and SDK handling more properties, rather than our code.
    """
    state = json.loads(project.run("stack", "export", "--show-secrets").stdout)
    echoed = {}
    for item in state["deployment"]["resources"]:
        if not item["type"].startswith("pulumi-python:dynamic"):
            continue
        outputs = {k: v for k, v in item.get("outputs", {}).items() if k != "__provider"}
        echoed[item["urn"].rsplit("::", 1)[1]] = {"inputs": _plain(outputs), "attributes": []}
    return echoed


def _plain(value: Any) -> Any:
    """State values with their secret envelopes opened (a benchmark's sandbox values only)."""
    if isinstance(value, dict):
        if "plaintext" in value and len(value) == 2:
            return _plain(json.loads(value["plaintext"]))
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def floor_resources(resources: dict[str, Any], with_attributes: bool) -> dict[str, Any]:
    """The floor's config: the same inputs, and (with_attributes) the same output attributes.

    Every output attribute of a dynamic resource costs the SDK an Output object and a future
    in the program, whatever the provider does; the floor pays for the same ones ours expose.
    """
    floor = {}
    for name, spec in resources.items():
        entry = next(e for e in RESOURCES if e.module == spec["module"] and e.resource == spec["resource"])
        resource_class = getattr(entry.load(), entry.resource)
        attributes = [*resource_class.args_type.field_specs(), *resource_class.outputs_type.field_specs()]
        floor[name] = {"inputs": spec["inputs"], "attributes": attributes if with_attributes else []}
    return floor


# The floor is the same stack (program shape, stack config, inputs, output attributes and exports)
# with a provider that does nothing, so the ratio is what our providers add.
NOOP_PROGRAM = """
import pulumi
from noop_provider import Noop
for resource_name, spec in (pulumi.Config().get_object("resources") or {}).items():
    props = dict(spec["inputs"])
    for attribute in spec["attributes"]:
        props.setdefault(attribute, None)
    created = Noop(resource_name, props)
    pulumi.export(resource_name, {"id": created.id})
"""


def write_program(directory: Path, name: str, source: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n")
    (directory / "__main__.py").write_text(textwrap.dedent(source))
    return directory


def timed(action: Any) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


# The CLI's default --parallel: four per CPU.
DEFAULT_PARALLEL = 4 * (os.cpu_count() or 1)
PULUMI_RUNTIME = "import pulumi, pulumi.runtime, pulumi.dynamic, pulumi.output"


def import_ms(module: str, after: str = "") -> float:
    """Cold import time in a fresh interpreter: -X importtime's cumulative microseconds for the module.

    With ``after``, those modules load first, so the figure is the module's own cost on top of them.
    """
    runs = []
    code = f"{after}; import {module}" if after else f"import {module}"
    for _ in range(5):
        out = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, check=True
        ).stderr
        for line in out.splitlines():
            match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|\s+(\S+)$", line.strip())
            if match and match.group(2) == module:
                runs.append(int(match.group(1)) / 1000)
    return statistics.median(runs)


def precompile() -> None:
    """Bytecode for our modules and the floor's, as a regular install has it.

    With PYTHONDONTWRITEBYTECODE set (as on CI machines), an editable install would otherwise
    recompile every module in every process of every run, which no user's installation does.
    """
    for directory in (ROOT / "providers", Path(__file__).parent / "benchlib"):
        compileall.compile_dir(directory, quiet=1)


def children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _process_kind(pid: int) -> str | None:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None
    if "pulumi.dynamic" in command or "pulumi-resource-pulumi-python" in command:
        return "provider_host"
    if "python" in command:
        return "program"  # the language host's Python process running __main__.py
    if "pulumi" in command:
        return "engine"  # the CLI and the Go language host
    return None


def cpu_by_process(action: Any) -> dict[str, float]:
    """CPU seconds of ``action``'s child processes by kind (engine, program, provider host).

    Linux only: /proc is sampled every 20 ms, so each process's last 20 ms may be missed. The
    sampling costs CPU itself, which is why it runs in a pass of its own, never in a timed one.
    """
    if not Path("/proc/self/stat").exists():
        return {}
    ticks = os.sysconf("SC_CLK_TCK")
    seen: dict[int, tuple[str, float]] = {}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            for pid in process_tree(os.getpid()):
                kind = _process_kind(pid)
                try:
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if kind:
                    seen[pid] = (kind, (int(fields[11]) + int(fields[12])) / ticks)
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        action()
    finally:
        done.set()
        sampler.join()
    totals: dict[str, float] = {}
    for kind, seconds in seen.values():
        totals[kind] = totals.get(kind, 0.0) + seconds
    return {kind: round(seconds, 2) for kind, seconds in sorted(totals.items())}


def paired_ratio(ours: list[float], floor: list[float]) -> float:
    """Median of the ratios of measurements taken back to back."""
    return round(statistics.median(o / f for o, f in zip(ours, floor, strict=True)), 3)


def run(count: int, latency: float, repeats: int, previews_per_repeat: int) -> dict[str, Any]:
    precompile()
    work = Path(tempfile.mkdtemp(prefix="mlp-bench-"))
    home = work / "home"
    home.mkdir()
    results: dict[str, Any] = {
        "config": {
            "resources": count,
            "latency_s": latency,
            "repeats": repeats,
            "previews_per_repeat": previews_per_repeat,
        }
    }
    with Sandbox() as sandbox:
        env = base_env(home, work / "state")
        (work / "state").mkdir()
        env["PYTHONPATH"] = str(Path(__file__).parent / "benchlib")
        env["MLP_BENCH_LATENCY"] = str(latency)
        resources = catalog_resources(count)
        platform = PulumiProject(CATALOG_PROGRAM, work / "platform", env)
        point_at_sandbox(platform, sandbox)
        noop_source = write_program(work / "src-noop", "bench-noop", NOOP_PROGRAM)
        noop = PulumiProject(noop_source, work / "noop", env)
        # The same stack config too (endpoint, secret API key): config is the stack's, not the provider's.
        point_at_sandbox(noop, sandbox)
        # The same floor exposing only the inputs as attributes: shows what the attributes cost.
        bare = PulumiProject(noop_source, work / "bare", {**env, "MLP_BENCH_LATENCY": "0"}, stack="bare")
        point_at_sandbox(bare, sandbox)
        # The same no-op carrying the data our resources hold in state (configured after our up).
        echo = PulumiProject(noop_source, work / "echo", {**env, "MLP_BENCH_LATENCY": "0"}, stack="echo")
        point_at_sandbox(echo, sandbox)
        # P7: the same mix through the provider plugin, beside ours.
        plugin = PulumiProject(PLUGIN_PROGRAM, work / "plugin", env, stack="plugin")
        point_plugin_at_sandbox(plugin, sandbox)

        def configure() -> None:
            spread = spread_deployments(sandbox, resources)
            platform.config("resources", spread)
            noop.config("resources", floor_resources(spread, with_attributes=True))
            bare.config("resources", floor_resources(spread, with_attributes=False))
            plugin.config("resources", spread_deployments(sandbox, plugin_resources(count)))

        ups: dict[str, list[float]] = {"platform": [], "noop": [], "platform_parallel_32": [], "plugin": []}
        projects = {"noop": noop, "platform": platform, "bare": bare, "echo": echo, "plugin": plugin}
        previews: dict[str, list[float]] = {name: [] for name in projects}
        preview_cpu: dict[str, list[float]] = {name: [] for name in projects}
        preview_requests: list[int] = []
        for _ in range(repeats):
            sandbox.reset()
            configure()
            sandbox.set_transitions("seconds", latency)
            ups["noop"].append(timed(noop.up))
            ups["platform"].append(timed(platform.up))
            ups["plugin"].append(timed(plugin.up))
            bare.up()
            echo.config("resources", same_data_resources(platform))
            echo.up()
            sandbox.clear_requests()
            # Interleaved, so both stacks meet the same machine weather.
            for _ in range(previews_per_repeat):
                for name, project in projects.items():
                    cpu_before = children_cpu_s()
                    previews[name].append(timed(project.preview))
                    preview_cpu[name].append(children_cpu_s() - cpu_before)
            preview_requests.append(len(platform_requests(sandbox, None)))
            state_bytes = sum(
                p.stat().st_size
                for p in (work / "state").rglob("catalog-engine-test/**/*.json")
                if "backup" not in str(p) and "history" not in str(p)
            )
            sandbox.set_transitions("immediate")
            platform.destroy()
            noop.destroy()
            bare.destroy()
            echo.destroy()
            plugin.destroy()
            sandbox.reset()
            platform.config("resources", spread_deployments(sandbox, resources))
            sandbox.set_transitions("seconds", latency)
            ups["platform_parallel_32"].append(
                timed(lambda: platform.run("up", "--yes", "--skip-preview", "--parallel", "32"))
            )
            sandbox.set_transitions("immediate")
            platform.destroy()
        up_p, up_n = statistics.median(ups["platform"]), statistics.median(ups["noop"])
        pv_p, pv_n = statistics.median(previews["platform"]), statistics.median(previews["noop"])
        cpu_p, cpu_n = statistics.median(preview_cpu["platform"]), statistics.median(preview_cpu["noop"])
        # Ratios of back-to-back previews: the machine's speed drifts over minutes, a pair shares it.
        ratio = paired_ratio(previews["platform"], previews["noop"])
        cpu_ratio = paired_ratio(preview_cpu["platform"], preview_cpu["noop"])
        ratio_bare = paired_ratio(previews["platform"], previews["bare"])
        ratio_echo = paired_ratio(previews["platform"], previews["echo"])
        cpu_ratio_echo = paired_ratio(preview_cpu["platform"], preview_cpu["echo"])
        up_32 = statistics.median(ups["platform_parallel_32"])
        default_parallel = DEFAULT_PARALLEL
        results["P1"] = {
            "platform_up_s": round(up_p, 2),
            "noop_up_s": round(up_n, 2),
            "ratio": round(up_p / up_n, 3),
            "target": 1.15,
            "default_parallel": default_parallel,
            "ideal_default_parallel_s": round(math.ceil(count / default_parallel) * latency, 2),
            "platform_up_parallel_32_s": round(up_32, 2),
            "ratio_parallel_32": round(up_32 / up_n, 3),
            "ideal_parallel_32_s": round(math.ceil(count / 32) * latency, 2),
            "noop_4_wide_ideal_s": round(math.ceil(count / 4) * latency, 2),
        }
        results["P2"] = {
            "platform_requests": max(preview_requests),
            "platform_preview_s": round(pv_p, 2),
            "noop_preview_s": round(pv_n, 2),
            "ratio": ratio,
            "target": 1.05,
            "platform_preview_cpu_s": round(cpu_p, 2),
            "noop_preview_cpu_s": round(cpu_n, 2),
            "cpu_ratio": cpu_ratio,
            "samples": len(previews["platform"]),
            "noop_inputs_only_preview_s": round(statistics.median(previews["bare"]), 2),
            "ratio_to_inputs_only": ratio_bare,
            "noop_same_data_preview_s": round(statistics.median(previews["echo"]), 2),
            "ratio_to_same_data": ratio_echo,
            "noop_same_data_preview_cpu_s": round(statistics.median(preview_cpu["echo"]), 2),
            "cpu_ratio_to_same_data": cpu_ratio_echo,
        }
        up_plugin = statistics.median(ups["plugin"])
        results["P7"] = {
            "plugin_up_s": round(up_plugin, 2),
            "dynamic_up_s": round(up_p, 2),
            "up_ratio": round(up_plugin / up_p, 3),
            "plugin_preview_s": round(statistics.median(previews["plugin"]), 2),
            "dynamic_preview_s": round(pv_p, 2),
            "preview_ratio": paired_ratio(previews["plugin"], previews["platform"]),
            "plugin_preview_cpu_s": round(statistics.median(preview_cpu["plugin"]), 2),
            "preview_cpu_ratio": paired_ratio(preview_cpu["plugin"], preview_cpu["platform"]),
            "target": 1.0,
        }
        results["P3"] = lifecycle_requests(sandbox, work, home)
        provider_bytes = {
            e.type_token: len(base64.b64encode(dill.dumps(getattr(e.load(), f"{e.resource}Provider")(), recurse=True)))
            for e in RESOURCES
        }
        results["P4"] = {
            "provider_pickle_base64_bytes": provider_bytes,
            "state_bytes_per_resource": round(state_bytes / count),
        }
    results["P5"] = {
        f"providers.{p}": {
            "cold_ms": round(import_ms(f"providers.{p}"), 1),
            "on_top_of_pulumi_sdk_ms": round(import_ms(f"providers.{p}", PULUMI_RUNTIME), 1),
        }
        for p in sorted({e.platform for e in RESOURCES})
    }
    return results


def quartiles(values: list[float]) -> list[float]:
    """Lower and upper quartile: the spread a figure from back-to-back pairs has on this machine."""
    q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return [round(q1, 3), round(q3, 3)]


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of y over x."""
    mean_x = statistics.fmean(x for x, _ in points)
    mean_y = statistics.fmean(y for _, y in points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread if spread else 0.0


def marginal_preview_cost(rows: dict[str, Any]) -> dict[str, dict[str, float]]:
    """What one more resource adds to a no-change preview, in ms: the slope of the median preview
    over the sizes, wall and CPU, for ours, the no-op floor and the no-op holding our data.

    A preview costs a fixed part (starting the CLI, the language host, the program, the provider
    host) and a part per resource. The ratio to the floor drifts from the fixed part's 1.0 towards
    the per-resource parts' ratio as the stack grows: it rises whenever one more resource of ours
    costs more than one of the floor's, wherever that cost is. Set against the no-op holding our
    data, the slopes say whose it is: ours minus same-data is what our code adds per resource;
    same-data minus floor is what the engine and SDK spend on the extra properties.
    """
    figures: dict[str, dict[str, float]] = {}
    for name, wall_key, cpu_key in (
        ("ours", "preview_s", "preview_cpu_s"),
        ("floor", "noop_preview_s", "noop_preview_cpu_s"),
        ("same_data", "same_data_preview_s", "same_data_preview_cpu_s"),
    ):
        figures[name] = {
            kind: round(1000 * slope([(int(size), row[key]) for size, row in rows.items()]), 2)
            for kind, key in (("wall", wall_key), ("cpu", cpu_key))
        }
    figures["ours_over_same_data"] = {
        kind: round(figures["ours"][kind] - figures["same_data"][kind], 2) for kind in ("wall", "cpu")
    }
    figures["same_data_over_floor"] = {
        kind: round(figures["same_data"][kind] - figures["floor"][kind], 2) for kind in ("wall", "cpu")
    }
    return figures


def ratio_quartiles(ours: list[float], other: list[float]) -> list[float]:
    """Quartiles of the back-to-back pairs' ratios, ours over the other stack."""
    return quartiles([o / f for o, f in zip(ours, other, strict=True)])


def scaling_verdict(rows: dict[str, Any]) -> dict[str, Any]:
    """Whether cost stays flat from the second-smallest size to the largest (40 -> 160 by default).

    The preview ratio counts as no worse when the largest size's median paired ratio lies at or
    below the upper quartile of the reference size's paired ratios (within the noise a single
    pair has here); the CPU-time ratio, which machine noise moves far less, is held to the same
    rule. Requests per resource count as constant within 5 %. The same rule, against the no-op
    holding our data, says whether what bends is ours or the engine's handling of more properties.
    """
    sizes = sorted(rows, key=int)
    reference, largest = rows[sizes[1] if len(sizes) > 1 else sizes[0]], rows[sizes[-1]]
    per_resource = [rows[size]["up_requests_per_resource"] for size in sizes]
    return {
        "reference_size": int(sizes[1] if len(sizes) > 1 else sizes[0]),
        "largest_size": int(sizes[-1]),
        "preview_ratio_flat": largest["preview_ratio"] <= reference["preview_ratio_quartiles"][1],
        "preview_cpu_ratio_flat": largest["preview_cpu_ratio"] <= reference["preview_cpu_ratio_quartiles"][1],
        "preview_ratio_to_same_data_flat": largest["preview_ratio_to_same_data"]
        <= reference["preview_ratio_to_same_data_quartiles"][1],
        "preview_cpu_ratio_to_same_data_flat": largest["preview_cpu_ratio_to_same_data"]
        <= reference["preview_cpu_ratio_to_same_data_quartiles"][1],
        "requests_per_resource_flat": max(per_resource) <= 1.05 * min(per_resource),
    }


def scaling(sizes: list[int], latency: float, preview_pairs: int = 7) -> dict[str, Any]:
    """P6: up, no-change preview and destroy as the stack grows, ours against the floor in the same run."""
    precompile()
    work = Path(tempfile.mkdtemp(prefix="mlp-bench-scaling-"))
    home = work / "home"
    home.mkdir()
    rows: dict[str, Any] = {}
    with Sandbox() as sandbox:
        for size in sizes:
            env = base_env(home, work / f"state-{size}")
            (work / f"state-{size}").mkdir()
            env["PYTHONPATH"] = str(Path(__file__).parent / "benchlib")
            env["MLP_BENCH_LATENCY"] = str(latency)
            resources = catalog_resources(size)
            ours = PulumiProject(CATALOG_PROGRAM, work / f"ours-{size}", env)
            point_at_sandbox(ours, sandbox)
            noop_source = write_program(work / "src-noop", "bench-noop", NOOP_PROGRAM)
            floor = PulumiProject(noop_source, work / f"noop-{size}", env)
            point_at_sandbox(floor, sandbox)
            sandbox.reset()
            spread = spread_deployments(sandbox, resources)
            ours.config("resources", spread)
            floor.config("resources", floor_resources(spread, with_attributes=True))
            sandbox.set_transitions("seconds", latency)
            row: dict[str, Any] = {}
            sandbox.clear_requests()
            row["up_s"] = round(timed(ours.up), 2)
            up_requests = len(platform_requests(sandbox, None))
            row["noop_up_s"] = round(timed(floor.up), 2)
            echo = PulumiProject(noop_source, work / f"echo-{size}", {**env, "MLP_BENCH_LATENCY": "0"}, stack="echo")
            point_at_sandbox(echo, sandbox)
            echo.config("resources", same_data_resources(ours))
            echo.up()
            sandbox.clear_requests()
            # Back-to-back rounds, each stack going first in turn, with each preview's CPU time (all processes).
            walls: dict[str, list[float]] = {"ours": [], "floor": [], "echo": []}
            cpus: dict[str, list[float]] = {"ours": [], "floor": [], "echo": []}
            stacks = [("ours", ours), ("floor", floor), ("echo", echo)]
            for round_number in range(preview_pairs):
                shift = round_number % len(stacks)
                for name, project in stacks[shift:] + stacks[:shift]:
                    cpu_before = children_cpu_s()
                    walls[name].append(timed(project.preview))
                    cpus[name].append(children_cpu_s() - cpu_before)
            row["preview_requests"] = len(platform_requests(sandbox, None))
            # Where that CPU goes, in a pass of its own (the sampling is not free): medians of three.
            by_process = {name: [cpu_by_process(project.preview) for _ in range(3)] for name, project in stacks[:2]}
            row["preview_cpu_by_process"] = {
                name: {kind: round(statistics.median(s.get(kind, 0.0) for s in runs), 2) for kind in runs[0]}
                for name, runs in by_process.items()
            }
            row["preview_s"] = round(statistics.median(walls["ours"]), 2)
            row["noop_preview_s"] = round(statistics.median(walls["floor"]), 2)
            row["preview_cpu_s"] = round(statistics.median(cpus["ours"]), 2)
            row["noop_preview_cpu_s"] = round(statistics.median(cpus["floor"]), 2)
            sandbox.set_transitions("immediate")
            sandbox.clear_requests()
            row["destroy_s"] = round(timed(ours.destroy), 2)
            destroy_requests = len(platform_requests(sandbox, None))
            row["noop_destroy_s"] = round(timed(floor.destroy), 2)
            echo.destroy()
            row["up_ratio"] = round(row["up_s"] / row["noop_up_s"], 3)
            row["preview_ratio"] = paired_ratio(walls["ours"], walls["floor"])
            row["same_data_preview_s"] = round(statistics.median(walls["echo"]), 2)
            row["same_data_preview_cpu_s"] = round(statistics.median(cpus["echo"]), 2)
            row["preview_ratio_to_same_data"] = paired_ratio(walls["ours"], walls["echo"])
            row["preview_ratio_to_same_data_quartiles"] = ratio_quartiles(walls["ours"], walls["echo"])
            row["preview_cpu_ratio_to_same_data"] = paired_ratio(cpus["ours"], cpus["echo"])
            row["preview_cpu_ratio_to_same_data_quartiles"] = ratio_quartiles(cpus["ours"], cpus["echo"])
            row["preview_ratio_quartiles"] = ratio_quartiles(walls["ours"], walls["floor"])
            row["preview_cpu_ratio"] = paired_ratio(cpus["ours"], cpus["floor"])
            row["preview_cpu_ratio_quartiles"] = ratio_quartiles(cpus["ours"], cpus["floor"])
            row["destroy_ratio"] = round(row["destroy_s"] / row["noop_destroy_s"], 3)
            row["up_requests_per_resource"] = round(up_requests / size, 2)
            row["destroy_requests_per_resource"] = round(destroy_requests / size, 2)
            rows[str(size)] = row
    return {
        "latency_s": latency,
        "preview_pairs": preview_pairs,
        "sizes": rows,
        "marginal_preview_ms_per_resource": marginal_preview_cost(rows),
        "verdict": scaling_verdict(rows),
    }


def lifecycle_requests(sandbox: Sandbox, work: Path, home: Path) -> dict[str, dict[str, int]]:
    """Requests each step sends for one resource of each type (immediate transitions)."""
    figures: dict[str, dict[str, int]] = {}
    for entry in SELECTED:
        tag = f"{entry.platform}:{entry.resource}"
        env = base_env(home, work / f"state-{entry.platform}-{entry.resource}")
        (work / f"state-{entry.platform}-{entry.resource}").mkdir()
        project = PulumiProject(CATALOG_PROGRAM, work / f"p3-{entry.platform}-{entry.resource}", env)
        point_at_sandbox(project, sandbox)
        project.config(
            "resources", {"one": {"module": entry.module, "resource": entry.resource, "inputs": entry.inputs(0)}}
        )
        sandbox.reset()
        steps: dict[str, int] = {}

        def count(step: str, action: Any, steps: dict[str, int] = steps) -> None:
            sandbox.clear_requests()
            action()
            steps[step] = len(platform_requests(sandbox, None))

        count("create", project.up)
        count("no_change_up", project.up)
        count("read", project.refresh)
        changed = {"module": entry.module, "resource": entry.resource, "inputs": entry.inputs(0, entry.in_place)}
        project.config("resources", {"one": changed})
        count("update", project.up)
        count("delete", project.destroy)
        figures[tag] = steps
    return figures


def scaling_table(p6: dict[str, Any]) -> list[str]:
    lines = [
        f"P6 scaling (readiness latency {p6['latency_s']} s; ours / no-op floor in the same run; preview: median "
        f"of {p6['preview_pairs']} back-to-back rounds, quartiles of the rounds' ratios in brackets)",
        "",
        "| resources | up s (floor) | ratio | no-change preview s (floor) | ratio [q1, q3] | preview CPU s (floor) "
        "| ratio [q1, q3] | destroy s (floor) | ratio | requests/resource up, preview, destroy |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for size, row in p6["sizes"].items():
        lines.append(
            f"| {size} | {row['up_s']} ({row['noop_up_s']}) | {row['up_ratio']} | {row['preview_s']} "
            f"({row['noop_preview_s']}) | {row['preview_ratio']} {row['preview_ratio_quartiles']} | "
            f"{row['preview_cpu_s']} ({row['noop_preview_cpu_s']}) | {row['preview_cpu_ratio']} "
            f"{row['preview_cpu_ratio_quartiles']} | {row['destroy_s']} ({row['noop_destroy_s']}) | "
            f"{row['destroy_ratio']} | {row['up_requests_per_resource']}, {row['preview_requests']}, "
            f"{row['destroy_requests_per_resource']} |"
        )
    lines += [
        "",
        "| resources | no-change preview CPU s by process, ours (floor): engine | program | provider host "
        "| preview ratio, CPU ratio against a no-op holding our data |",
        "|---|---|---|---|---|",
    ]
    for size, row in p6["sizes"].items():
        split = row.get("preview_cpu_by_process") or {}
        ours, floor = split.get("ours", {}), split.get("floor", {})
        lines.append(
            f"| {size} | "
            + " | ".join(f"{ours.get(k, '-')} ({floor.get(k, '-')})" for k in ("engine", "program", "provider_host"))
            + f" | {row.get('preview_ratio_to_same_data', '-')}, {row.get('preview_cpu_ratio_to_same_data', '-')} |"
        )
    marginal = p6.get("marginal_preview_ms_per_resource")
    if marginal:
        lines += [
            "",
            "| one more resource in a no-change preview, ms (slope over the sizes) | ours | floor "
            "| no-op with our data "
            "| ours minus no-op with our data | no-op with our data minus floor |",
            "|---|---|---|---|---|---|",
        ]
        for kind in ("wall", "cpu"):
            lines.append(
                f"| {kind} | "
                + " | ".join(
                    str(marginal[name][kind])
                    for name in ("ours", "floor", "same_data", "ours_over_same_data", "same_data_over_floor")
                )
                + " |"
            )
    verdict = p6["verdict"]
    lines += [
        "",
        f"P6 verdict, {verdict['reference_size']} -> {verdict['largest_size']} resources: preview ratio flat "
        f"(within the reference's upper quartile): {verdict['preview_ratio_flat']}; preview CPU ratio flat: "
        f"{verdict['preview_cpu_ratio_flat']}; against the no-op with our data, flat: "
        f"{verdict.get('preview_ratio_to_same_data_flat')} (CPU {verdict.get('preview_cpu_ratio_to_same_data_flat')}); "
        f"requests per resource flat (within 5 %): {verdict['requests_per_resource_flat']}",
    ]
    return lines


def plugin_table(p7: dict[str, Any] | None) -> list[str]:
    if p7 is None:
        return []
    return [
        "| P7 the same stack through the provider plugin | plugin | dynamic types | ratio | target |",
        "|---|---|---|---|---|",
        f"| P7 `pulumi up` | {p7['plugin_up_s']} s | {p7['dynamic_up_s']} s | {p7['up_ratio']} | <= {p7['target']} |",
        f"| P7 no-change preview | {p7['plugin_preview_s']} s | {p7['dynamic_preview_s']} s | {p7['preview_ratio']} | "
        f"<= {p7['target']} |",
        f"| P7 CPU time of that preview | {p7['plugin_preview_cpu_s']} s | | {p7['preview_cpu_ratio']} | |",
        "",
    ]


def table(results: dict[str, Any]) -> str:
    if "P1" not in results:
        return "\n".join(scaling_table(results["P6"]))
    p1, p2, p4 = results["P1"], results["P2"], results["P4"]
    cfg = results["config"]
    lines = [
        f"benchmark: {cfg['resources']} resources, readiness latency {cfg['latency_s']}s, "
        f"median of {cfg['repeats']} run(s); P2 from {p2['samples']} back-to-back preview pairs (ratio = median of "
        "the pairs' ratios)",
        "",
        "| figure | ours | engine floor (no-op) | ratio | target |",
        "|---|---|---|---|---|",
        f"| P1 `pulumi up` (default --parallel {p1['default_parallel']}; ideal {p1['ideal_default_parallel_s']} s) | "
        f"{p1['platform_up_s']} s | {p1['noop_up_s']} s (4 wide; ideal {p1['noop_4_wide_ideal_s']} s) | "
        f"{p1['ratio']} | <= {p1['target']} |",
        f"| P1 `pulumi up --parallel 32` (ideal {p1['ideal_parallel_32_s']} s) | {p1['platform_up_parallel_32_s']} s | "
        f"{p1['noop_up_s']} s | {p1['ratio_parallel_32']} | well under 1 |",
        f"| P2 no-change preview | {p2['platform_preview_s']} s | {p2['noop_preview_s']} s | {p2['ratio']} | "
        f"<= {p2['target']} |",
        f"| P2 platform requests in that preview | {p2['platform_requests']} | | | 0 |",
        f"| P2 CPU time of that preview (all processes) | {p2['platform_preview_cpu_s']} s | "
        f"{p2['noop_preview_cpu_s']} s | {p2['cpu_ratio']} | |",
        f"| P2 against a no-op stack without output attributes (inputs only) | {p2['platform_preview_s']} s | "
        f"{p2['noop_inputs_only_preview_s']} s | {p2['ratio_to_inputs_only']} | |",
        f"| P2 against a no-op stack holding the same data as ours (our outputs as its inputs) | "
        f"{p2['platform_preview_s']} s | {p2['noop_same_data_preview_s']} s | {p2['ratio_to_same_data']} | |",
        f"| P2 CPU time against that same-data no-op | {p2['platform_preview_cpu_s']} s | "
        f"{p2['noop_same_data_preview_cpu_s']} s | {p2['cpu_ratio_to_same_data']} | |",
        "",
        *plugin_table(results.get("P7")),
        "| P3 requests per step | " + " | ".join(next(iter(results["P3"].values()))) + " |",
        "|---|" + "---|" * len(next(iter(results["P3"].values()))),
    ]
    for type_name, steps in results["P3"].items():
        lines.append(f"| {type_name} | " + " | ".join(str(v) for v in steps.values()) + " |")
    lines += ["", "| P4 | bytes |", "|---|---|"]
    for token, size in p4["provider_pickle_base64_bytes"].items():
        lines.append(f"| `__provider` of {token} (base64) | {size} |")
    lines.append(f"| state per resource | {p4['state_bytes_per_resource']} |")
    lines += [
        "",
        "| P5 cold import | total, ms | on top of the Pulumi SDK a program loads anyway, ms |",
        "|---|---|---|",
    ]
    lines += [
        f"| `import {m}` | {ms['cold_ms']} | {ms['on_top_of_pulumi_sdk_ms']} |" for m, ms in results["P5"].items()
    ]
    if "P6" in results:
        lines += ["", *scaling_table(results["P6"])]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print one JSON object keyed P1..P6")
    parser.add_argument("--resources", type=int, default=40)
    parser.add_argument("--latency", type=float, default=2.0, help="simulated readiness latency, seconds")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--previews", type=int, default=7, help="no-change previews per stack in each repeat")
    parser.add_argument("--scaling", default="10,40,160", help="stack sizes for P6, comma-separated; empty to skip P6")
    parser.add_argument("--scaling-latency", type=float, default=1.0, help="readiness latency for P6, seconds")
    parser.add_argument("--scaling-previews", type=int, default=7, help="back-to-back preview pairs per P6 size")
    parser.add_argument("--only-scaling", action="store_true", help="run P6 alone (skips P1..P5)")
    parser.add_argument(
        "--types",
        default="",
        help="only these resource types, comma-separated `platform:Resource` (default: the whole catalog)",
    )
    options = parser.parse_args()
    interrupt_by_default()  # so a run started in the background times no 5 s plugin shutdowns
    if options.types:
        wanted = {name.strip() for name in options.types.split(",")}
        SELECTED[:] = [e for e in RESOURCES if f"{e.platform}:{e.resource}" in wanted]
        if not SELECTED:
            parser.error(f"--types matches no catalog entry: {options.types}")
    os.environ.setdefault(
        "MLP_PULUMI_BIN",
        subprocess.run(
            ["bash", str(ROOT / "scripts" / "setup_pulumi.sh")], capture_output=True, text=True, check=True
        ).stdout.strip(),
    )
    sizes = [int(size) for size in options.scaling.split(",") if size.strip()]
    if options.only_scaling and not sizes:
        parser.error("--only-scaling needs --scaling sizes")
    results = {} if options.only_scaling else run(options.resources, options.latency, options.repeats, options.previews)
    if sizes:
        results["P6"] = scaling(sizes, options.scaling_latency, options.scaling_previews)
    print(json.dumps(results, indent=2) if options.json else table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
