"""Generate the provider plugin's schema (providers/plugin/schema.json) from the resource models, the
Python SDK `pulumi_mlplatforms` (sdk/python) from that schema with Pulumi's own Python generator
(tools/gen-python-sdk, built and cached by scripts/setup_plugin_tools.sh), and the tables of
docs/provider-plugin.md (types and settings).

`python scripts/gen_plugin.py` writes them; `--check` exits 1 when one is stale.
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from plugin_schema import PLATFORMS, SECRET_CONFIG, config_keys, schema_text  # noqa: E402

from providers.catalog import RESOURCES  # noqa: E402
from providers.plugin.imports import import_id_text  # noqa: E402
from providers.plugin.names import SCHEMA_PATH, config_property, type_token  # noqa: E402

SDK_DIR = ROOT / "sdk" / "python"
DOCS_PAGE = ROOT / "docs" / "provider-plugin.md"


def snake_case(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


def types_table() -> list[str]:
    lines = [
        "| platform | dynamic type (`providers.<platform>`) | plugin type (`pulumi_mlplatforms.<platform>`) "
        "| import id |",
        "|---|---|---|---|",
    ]
    for e in RESOURCES:
        lines.append(
            f"| {PLATFORMS[e.platform]} | `{e.type_token}` | `{type_token(e.platform, e.resource)}` | "
            f"`{import_id_text(e.platform, e.resource)}` |"
        )
    return lines


def config_table() -> list[str]:
    lines = [
        "| dynamic types' stack config | plugin: stack config / `Provider` argument (YAML) "
        "| environment fallback | secret |",
        "|---|---|---|---|",
    ]
    for _platform, key, env, _meaning in config_keys():
        prop = config_property(key)
        fallback = ", ".join(f"`{e}`" for e in env) or "-"
        secret = "yes" if key in SECRET_CONFIG else ""
        lines.append(f"| `{key}` | `mlplatforms:{prop}` / `{snake_case(prop)}` (`{prop}`) | {fallback} | {secret} |")
    lines.append(
        "| `mlPlatforms:maxConcurrency` | `mlplatforms:maxConcurrency` / `max_concurrency` (`maxConcurrency`) | "
        "`MLP_MAX_CONCURRENCY` | |"
    )
    return lines


def docs_page(text: str) -> str:
    """The page with its generated blocks (between `<!-- generated: X -->` and `<!-- end: X -->`) rewritten."""
    for block, lines in (("types", types_table()), ("config", config_table())):
        start, end = f"<!-- generated: {block} (scripts/gen_plugin.py) -->", f"<!-- end: {block} -->"
        head, found, rest = text.partition(start)
        if not found:
            raise SystemExit(f"{DOCS_PAGE.relative_to(ROOT)} has no {start} block")
        _old, found, tail = rest.partition(end)
        if not found:
            raise SystemExit(f"{DOCS_PAGE.relative_to(ROOT)} has no {end}")
        text = head + start + "\n" + "\n".join(lines) + "\n" + end + tail
    return text


def generator() -> Path:
    out = subprocess.run(
        ["bash", str(ROOT / "scripts" / "setup_plugin_tools.sh"), "gen-python-sdk"],
        check=True,
        capture_output=True,
        text=True,
    )
    return Path(out.stdout.strip().splitlines()[-1]) / "gen-python-sdk"


def generate_sdk(schema: Path, into: Path) -> None:
    subprocess.run([str(generator()), str(schema), str(into)], check=True)


def tree(root: Path) -> dict[str, Path]:
    return {
        str(path.relative_to(root)): path
        for path in sorted(root.rglob("*"))
        if path.is_file()
        and "__pycache__" not in path.parts
        and not path.name.endswith(".egg-info")
        and not any(part.endswith(".egg-info") for part in path.parts)
    }


def stale_sdk(schema: Path) -> list[str]:
    with tempfile.TemporaryDirectory() as scratch:
        fresh = Path(scratch) / "python"
        generate_sdk(schema, fresh)
        want, have = tree(fresh), tree(SDK_DIR) if SDK_DIR.exists() else {}
        names = sorted(set(want) | set(have))
        return [
            name
            for name in names
            if name not in want or name not in have or not filecmp.cmp(want[name], have[name], shallow=False)
        ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 when the schema or the SDK is stale")
    options = parser.parse_args()
    text = schema_text()
    if options.check:
        stale = [] if SCHEMA_PATH.exists() and SCHEMA_PATH.read_text() == text else [str(SCHEMA_PATH.relative_to(ROOT))]
        page = DOCS_PAGE.read_text()
        if docs_page(page) != page:
            stale.append(str(DOCS_PAGE.relative_to(ROOT)))
        with tempfile.TemporaryDirectory() as scratch:
            schema = Path(scratch) / "schema.json"
            schema.write_text(text)
            stale += [f"sdk/python/{name}" for name in stale_sdk(schema)]
        for name in stale:
            print(f"stale: {name} (run python scripts/gen_plugin.py)")
        return 1 if stale else 0
    SCHEMA_PATH.write_text(text)
    DOCS_PAGE.write_text(docs_page(DOCS_PAGE.read_text()))
    if SDK_DIR.exists():
        # Only the generator's files: nothing hand-written lives here, so none is kept.
        for name in ("pulumi_mlplatforms", "pyproject.toml", ".gitignore", ".gitattributes"):
            target = SDK_DIR / name
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
    SDK_DIR.mkdir(parents=True, exist_ok=True)
    generate_sdk(SCHEMA_PATH, SDK_DIR)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
