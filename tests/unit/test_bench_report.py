"""The benchmark's report renders every figure it measures (the figures come from scripts/bench.py runs)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

import bench


def test_table_shows_every_figure():
    results = {
        "config": {"resources": 40, "latency_s": 2.0, "repeats": 3, "previews_per_repeat": 5},
        "P1": {"platform_up_s": 23.1, "noop_up_s": 21.4, "ratio": 1.079, "target": 1.15},
        "P2": {
            "platform_requests": 0,
            "platform_preview_s": 1.9,
            "noop_preview_s": 1.4,
            "ratio": 1.357,
            "target": 1.05,
            "platform_preview_cpu_s": 2.1,
            "noop_preview_cpu_s": 1.7,
            "cpu_ratio": 1.235,
            "samples": 15,
            "noop_inputs_only_preview_s": 1.31,
            "ratio_to_inputs_only": 1.45,
        },
        "P3": {"peak:Service": {"create": 3, "no_change_up": 0, "read": 1, "update": 3, "delete": 3}},
        "P4": {
            "provider_pickle_base64_bytes": {"pulumi-python:dynamic/peak:Service": 84},
            "state_bytes_per_resource": 3175,
        },
        "P5": {"providers.peak": {"cold_ms": 293.2, "on_top_of_pulumi_sdk_ms": 135.5}},
    }
    text = bench.table(results)
    for figure in (
        "1.079",
        "1.357",
        "1.235",
        "1.31",
        "1.45",
        "| peak:Service | 3 | 0 | 1 | 3 | 3 |",
        "84",
        "3175",
        "293.2",
        "135.5",
    ):
        assert figure in text


def test_import_cost_is_measured_in_a_fresh_interpreter():
    assert bench.import_ms("json") > 0
    assert bench.import_ms("json", "import json") >= 0


def test_preview_ratio_is_the_median_of_back_to_back_pairs():
    # The floor's machine got twice as slow for the last pair: pairing keeps that out of the ratio.
    assert bench.paired_ratio([1.1, 1.0, 2.4], [1.0, 1.0, 2.0]) == 1.1
