"""Running the real pulumi CLI in tests: a project copied into a temp dir, a local file backend,
a passphrase secrets provider, and nothing reaching the network."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PASSPHRASE = "engine-test-passphrase"
# The caller's own platform settings never leak into a test's stack (the SDKs' environment variables).
PLATFORM_ENV_PREFIXES = ("PEAK", "PULUMI_", "ABEJA_", "DKU_", "AWS_")
PROGRAM_FILES = ("Pulumi.yaml", "__main__.py")
# Modules the test programs share (their config-declared, output-wired resources), copied beside them.
SHARED_PROGRAM_MODULES = Path(__file__).parent / "engine" / "programs" / "shared"


def pulumi_bin() -> Path:
    """The pinned CLI: from the test command's environment, else the per-user cache (built if missing)."""
    given = os.environ.get("MLP_PULUMI_BIN")
    if given:
        return Path(given)
    out = subprocess.run(
        ["bash", str(ROOT / "scripts" / "setup_pulumi.sh")], check=True, capture_output=True, text=True
    )
    return Path(out.stdout.strip().splitlines()[-1])


def base_env(pulumi_home: Path, backend: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(PLATFORM_ENV_PREFIXES) and k not in ("API_KEY", "STAGE", "PLATFORM_AUTH_TOKEN")
    }
    venv_bin = Path(os.environ.get("VIRTUAL_ENV", ROOT / ".venv")) / "bin"
    if not venv_bin.exists():
        venv_bin = ROOT / ".venv" / "bin"
    env.update(
        PATH=f"{venv_bin}{os.pathsep}{pulumi_bin()}{os.pathsep}{env.get('PATH', '')}",
        PULUMI_HOME=str(pulumi_home),
        PULUMI_SKIP_UPDATE_CHECK="1",
        PULUMI_BACKEND_URL=f"file://{backend}",
        PULUMI_CONFIG_PASSPHRASE=PASSPHRASE,
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION="true",
        # The Python language host runs `python -m pip list` on every command to find plugins; pip's
        # check for a newer pip is a third of that run's CPU, and the engine tier runs ~900 commands.
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    return env


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


UP_ARGS = ("up", "--yes", "--skip-preview")


class PulumiProject:
    """One Pulumi project directory with one selected stack."""

    def __init__(
        self, source: Path, workdir: Path, env: dict[str, str], stack: str = "test", create: bool = True
    ) -> None:
        self.dir = workdir
        # A program is its Pulumi.yaml and __main__.py; committed stack files (examples, the demo)
        # stay behind, since their secrets belong to another passphrase.
        workdir.mkdir(parents=True, exist_ok=True)
        for name in PROGRAM_FILES:
            shutil.copy(source / name, workdir / name)
        if source.parent == SHARED_PROGRAM_MODULES.parent:
            for module in SHARED_PROGRAM_MODULES.glob("*.py"):
                shutil.copy(module, workdir / module.name)
        self.env = env
        self.stack = stack
        if create:
            self.run("stack", "init", stack, "--secrets-provider", "passphrase")
        else:
            # Another checkout of a stack that already exists in the backend.
            self.run("stack", "select", stack)

    def run(self, *args: str, check: bool = True, timeout: float = 240) -> Result:
        proc = subprocess.run(
            ["pulumi", "--non-interactive", *args],
            cwd=self.dir,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        result = Result(proc.returncode, proc.stdout, proc.stderr)
        if check and proc.returncode != 0:
            raise AssertionError(f"pulumi {' '.join(args)} failed ({proc.returncode}):\n{result.output}")
        return result

    def config(self, key: str, value: Any, secret: bool = False) -> None:
        text = value if isinstance(value, str) else json.dumps(value)
        self.run("config", "set", key, *(["--secret"] if secret else []), "--", text)

    def up(self, check: bool = True) -> Result:
        return self.run(*UP_ARGS, check=check)

    def start_up(self, output: bool = True, new_session: bool = False) -> subprocess.Popen[str]:
        """`pulumi up` left running, for a test that acts while it runs (kills it, races it).
        Without `output` its output is discarded; `new_session` gives it a process group of its own."""
        return subprocess.Popen(
            ["pulumi", "--non-interactive", *UP_ARGS],
            cwd=self.dir,
            env=self.env,
            stdout=subprocess.PIPE if output else subprocess.DEVNULL,
            stderr=subprocess.STDOUT if output else subprocess.DEVNULL,
            text=True,
            start_new_session=new_session,
        )

    def preview(self, *extra: str, check: bool = True) -> Result:
        return self.run("preview", *extra, check=check)

    def refresh(self) -> Result:
        return self.run("refresh", "--yes", "--skip-preview")

    def destroy(self) -> Result:
        return self.run("destroy", "--yes", "--skip-preview")

    def outputs(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.run("stack", "output", "--json", "--show-secrets").stdout)
        return data

    def export(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.run("stack", "export").stdout)
        return data

    def resources(self, type_token: str) -> list[dict[str, Any]]:
        return [r for r in self.export()["deployment"].get("resources", []) if r["type"] == type_token]


PEAK_TEST_KEY = "sandbox-test-key"
SANDBOX_KEYS = {"peak": PEAK_TEST_KEY}
# Routes only the official SDK calls on its own, and a POST that changes nothing.
SIDE_ROUTES = ("peak.telemetry", "peak.tenant_metadata")
READ_ONLY_POSTS = ("peak.test_service",)


def platform_requests(sandbox: Any, platform: str | None = "peak") -> list[dict[str, Any]]:
    """Requests our code sent (None: every platform's); the SDK-only side routes are left out."""
    return [r for r in sandbox.requests(platform=platform) if r["route"] not in SIDE_ROUTES]


def writes(sandbox: Any, platform: str | None = "peak") -> list[dict[str, Any]]:
    """Requests that change platform state."""
    return [
        r for r in platform_requests(sandbox, platform) if r["method"] != "GET" and r["route"] not in READ_ONLY_POSTS
    ]


def peak_services(sandbox: Any, tenant: str = "test") -> dict[str, dict[str, Any]]:
    """The Peak services the sandbox holds for a tenant, by name."""
    tenants = sandbox.state()["peak"]["tenants"]
    return {s["name"]: s for s in tenants.get(tenant, {}).get("services", {}).values()}


def sandbox_config(sandbox: Any, keys: dict[str, str] | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """(plain, secret) stack config that points every platform at the sandbox."""
    chosen = {**SANDBOX_KEYS, **(keys or {})}
    plain = {"peak:endpoint": sandbox.peak_endpoint}
    secret = {"peak:apiKey": chosen["peak"]}
    plain["abeja:apiUrl"] = f"{sandbox.url}/abeja"
    plain["abeja:organizationId"] = "1200000000001"  # seeded by the sandbox, with a deployment and channels
    secret["abeja:apiToken"] = chosen.get("abeja", "sandbox-abeja-token")
    plain["dataiku:url"] = f"{sandbox.url}/dataiku"
    secret["dataiku:apiKey"] = chosen.get("dataiku", "sandbox-dku-admin-key")  # the sandbox's admin user
    if hasattr(sandbox, "environment"):
        aws = sandbox.environment()
        plain["appconfig:endpoint"] = aws["AWS_ENDPOINT_URL_APPCONFIG"]
        plain["aws:region"] = aws["AWS_DEFAULT_REGION"]
        secret["aws:accessKey"] = aws["AWS_ACCESS_KEY_ID"]
        secret["aws:secretKey"] = aws["AWS_SECRET_ACCESS_KEY"]
    return plain, secret


def point_at_sandbox(project: PulumiProject, sandbox: Any, keys: dict[str, str] | None = None) -> None:
    """Stack config that points every platform at the sandbox, credentials set as secrets (one CLI call)."""
    plain, secret = sandbox_config(sandbox, keys)
    args = [*(f"--plaintext={k}={v}" for k, v in plain.items()), *(f"--secret={k}={v}" for k, v in secret.items())]
    project.run("config", "set-all", *args)


def live_objects(sandbox: Any, platform: str, resource: str) -> list[dict[str, Any]]:
    """The remote objects of one resource type the sandbox holds (seeded fixtures and history left out)."""
    state = sandbox.state()
    if platform == "peak" and resource == "Service":
        return [s for tenant in state["peak"]["tenants"].values() for s in tenant.get("services", {}).values()]
    if platform == "peak" and resource == "PressDeployment":
        # Block deployments of an app count too: they must go with it.
        return [d for tenant in state["peak"]["tenants"].values() for d in tenant.get("deployments", {}).values()]
    if platform == "peak" and resource == "BlockSpec":
        tenants = state["peak"]["tenants"].values()
        return [s for tenant in tenants for s in tenant.get("specs", {}).values() if not s.get("seeded")]
    if platform == "abeja" and resource == "Trigger":
        orgs = state["abeja"]["organizations"].values()
        return [t for org in orgs for d in org["deployments"].values() for t in d["triggers"].values()]
    if platform == "dataiku" and resource == "CodeStudio":
        return list(state["dataiku"]["code_studios"].values())
    if platform == "dataiku" and resource == "CodeStudioTemplate":
        return [t for t in state["dataiku"]["templates"].values() if t["id"] not in ("vscode", "jupyterlab")]
    if platform == "appconfig" and resource == "Deployment":
        # Finished deployments stay as history (AppConfig has no delete): those a stack still manages
        # carry its start token, and any still rolling out counts too.
        running = ("DEPLOYING", "VALIDATING", "BAKING")
        token = "pulumi-ml-platforms:start-token"
        return [d for d in state["appconfig"]["deployments"] if d["state"] in running or token in d["tags"]]
    if platform == "appconfig" and resource == "HostedConfigurationVersion":
        return [v for v in state["appconfig"]["hosted_versions"] if not v["seeded"]]
    raise AssertionError(f"no live-object count for {platform}:{resource}")


def process_tree(root: int) -> list[int]:
    """Every live descendant of `root`, read from /proc (plugins may leave the root's process group)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, pending = [], [root]
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found


def interrupt_by_default() -> None:
    """Give SIGINT its default handling back when this process came in with it ignored.

    A job started with `&` from a script without job control starts with SIGINT ignored, and so
    does every process it starts. Pulumi's Go language host then ignores the engine's SIGINT and
    each CLI command waits 5 s for the SIGKILL that follows (README, "Big stacks"): the suite would
    run slower, and a benchmark would time that wait, depending on how it was started.
    """
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def provider_hosts(pids: list[int]) -> list[int]:
    """The dynamic-provider host processes (``python -m pulumi.dynamic``) among `pids`."""
    found = []
    for pid in pids:
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if b"pulumi.dynamic" in command:
            found.append(pid)
    return found


def still_running(pids: list[int], within: float) -> list[int]:
    """The processes among `pids` that have not ended `within` seconds from now (zombies count as ended)."""
    deadline = time.monotonic() + within
    while True:
        running = []
        for pid in pids:
            try:
                state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
            if state not in ("Z", "X"):
                running.append(pid)
        if not running or time.monotonic() >= deadline:
            return running
        time.sleep(0.1)


def kill_all(pids: list[int]) -> None:
    """SIGKILL each process still alive, so a test that kills the CLI leaves no plugin running."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
