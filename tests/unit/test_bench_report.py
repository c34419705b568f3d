"""The benchmark's report renders every figure it measures (the figures come from scripts/bench.py runs)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

import bench


def test_table_shows_every_figure():
    results = {
        "config": {"resources": 40, "latency_s": 2.0, "repeats": 3, "previews_per_repeat": 5},
        "P1": {
            "platform_up_s": 23.1,
            "noop_up_s": 21.4,
            "ratio": 1.079,
            "target": 1.15,
            "default_parallel": 8,
            "ideal_default_parallel_s": 10.0,
            "platform_up_parallel_32_s": 4.4,
            "ratio_parallel_32": 0.206,
            "ideal_parallel_32_s": 4.0,
            "noop_4_wide_ideal_s": 20.0,
        },
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
            "noop_same_data_preview_s": 1.8,
            "ratio_to_same_data": 1.011,
            "noop_same_data_preview_cpu_s": 2.05,
            "cpu_ratio_to_same_data": 1.022,
        },
        "P3": {"peak:Service": {"create": 3, "no_change_up": 0, "read": 1, "update": 3, "delete": 3}},
        "P4": {
            "provider_pickle_base64_bytes": {"pulumi-python:dynamic/peak:Service": 84},
            "state_bytes_per_resource": 3175,
        },
        "P5": {"providers.peak": {"cold_ms": 293.2, "on_top_of_pulumi_sdk_ms": 135.5}},
        "P6": {
            "latency_s": 1.0,
            "preview_pairs": 7,
            "verdict": {
                "reference_size": 40,
                "largest_size": 160,
                "preview_ratio_flat": True,
                "preview_cpu_ratio_flat": False,
                "preview_ratio_to_same_data_flat": True,
                "preview_cpu_ratio_to_same_data_flat": True,
                "requests_per_resource_flat": True,
            },
            "marginal_preview_ms_per_resource": {
                "ours": {"wall": 17.1, "cpu": 19.9},
                "floor": {"wall": 13.2, "cpu": 14.4},
                "same_data": {"wall": 16.8, "cpu": 19.4},
                "ours_over_same_data": {"wall": 0.3, "cpu": 0.5},
                "same_data_over_floor": {"wall": 3.6, "cpu": 5.0},
            },
            "sizes": {
                "160": {
                    "up_s": 31.5,
                    "noop_up_s": 48.2,
                    "up_ratio": 0.653,
                    "preview_s": 4.1,
                    "noop_preview_s": 3.9,
                    "preview_ratio": 1.051,
                    "preview_ratio_quartiles": [1.01, 1.09],
                    "preview_cpu_s": 4.4,
                    "noop_preview_cpu_s": 3.7,
                    "preview_cpu_ratio": 1.189,
                    "preview_cpu_ratio_quartiles": [1.17, 1.2],
                    "preview_ratio_to_same_data": 1.004,
                    "preview_cpu_ratio_to_same_data": 1.012,
                    "preview_cpu_by_process": {
                        "ours": {"engine": 1.51, "program": 1.58, "provider_host": 0.65},
                        "floor": {"engine": 1.37, "program": 1.35, "provider_host": 0.55},
                    },
                    "destroy_s": 9.9,
                    "noop_destroy_s": 8.1,
                    "destroy_ratio": 1.222,
                    "up_requests_per_resource": 3.0,
                    "preview_requests": 0,
                    "destroy_requests_per_resource": 3.0,
                }
            },
        },
    }
    text = bench.table(results)
    for figure in (
        "1.079",
        "1.357",
        "1.235",
        "1.31",
        "1.45",
        "| 1.9 s | 1.8 s | 1.011 |",
        "| 2.1 s | 2.05 s | 1.022 |",
        "| peak:Service | 3 | 0 | 1 | 3 | 3 |",
        "84",
        "3175",
        "293.2",
        "135.5",
        "0.206",
        "4.4",
        "| 160 | 31.5 (48.2) | 0.653 | 4.1 (3.9) | 1.051 [1.01, 1.09] | 4.4 (3.7) | 1.189 [1.17, 1.2] | 9.9 (8.1) "
        "| 1.222 | 3.0, 0, 3.0 |",
        "| 160 | 1.51 (1.37) | 1.58 (1.35) | 0.65 (0.55) | 1.004, 1.012 |",
        "40 -> 160 resources: preview ratio flat (within the reference's upper quartile): True; preview CPU "
        "ratio flat: False; against the no-op with our data, flat: True (CPU True); requests per resource flat "
        "(within 5 %): True",
        "| wall | 17.1 | 13.2 | 16.8 | 0.3 | 3.6 |",
        "| cpu | 19.9 | 14.4 | 19.4 | 0.5 | 5.0 |",
    ):
        assert figure in text
    only_scaling = bench.table({"P6": results["P6"]})
    assert "| 160 | 31.5 (48.2)" in only_scaling and "P1" not in only_scaling


def scaling_row(
    ratio: float, quartiles: list[float], cpu_ratio: float, requests: float, to_same_data: float = 1.0
) -> dict:
    return {
        "preview_ratio": ratio,
        "preview_ratio_quartiles": quartiles,
        "preview_cpu_ratio": cpu_ratio,
        "preview_cpu_ratio_quartiles": [cpu_ratio - 0.01, cpu_ratio + 0.01],
        "preview_ratio_to_same_data": to_same_data,
        "preview_ratio_to_same_data_quartiles": [to_same_data - 0.02, to_same_data + 0.02],
        "preview_cpu_ratio_to_same_data": to_same_data,
        "preview_cpu_ratio_to_same_data_quartiles": [to_same_data - 0.01, to_same_data + 0.01],
        "up_requests_per_resource": requests,
    }


def test_scaling_verdict_compares_the_largest_size_with_the_reference_noise_band():
    flat = bench.scaling_verdict(
        {
            "10": scaling_row(1.3, [1.2, 1.4], 1.3, 7.3),
            "40": scaling_row(1.10, [1.05, 1.16], 1.15, 7.28),
            "160": scaling_row(1.14, [1.1, 1.2], 1.14, 7.24),
        }
    )
    assert flat == {
        "reference_size": 40,
        "largest_size": 160,
        "preview_ratio_flat": True,
        "preview_cpu_ratio_flat": True,
        "preview_ratio_to_same_data_flat": True,
        "preview_cpu_ratio_to_same_data_flat": True,
        "requests_per_resource_flat": True,
    }
    bent = bench.scaling_verdict(
        {
            "10": scaling_row(1.3, [1.2, 1.4], 1.3, 14.3),
            "40": scaling_row(1.03, [1.0, 1.05], 1.10, 15.7, to_same_data=1.0),
            "160": scaling_row(1.09, [1.06, 1.12], 1.20, 17.9, to_same_data=1.05),
        }
    )
    assert not any(value for key, value in bent.items() if key.endswith("_flat"))


def test_engine_bend_is_told_from_ours_by_the_no_op_holding_our_data():
    """The floor's ratio bends, the same-data ratio does not: the bend is the engine's, not ours."""
    verdict = bench.scaling_verdict(
        {
            "10": scaling_row(1.02, [1.0, 1.04], 1.02, 7.3),
            "40": scaling_row(1.04, [1.02, 1.06], 1.05, 7.28, to_same_data=1.0),
            "160": scaling_row(1.12, [1.1, 1.14], 1.13, 7.23, to_same_data=1.01),
        }
    )
    assert not verdict["preview_ratio_flat"] and not verdict["preview_cpu_ratio_flat"]
    assert verdict["preview_ratio_to_same_data_flat"] and verdict["preview_cpu_ratio_to_same_data_flat"]


def test_marginal_cost_is_the_slope_of_each_stacks_preview_over_the_sizes():
    def row(size: int) -> dict:
        return {
            "preview_s": 1.5 + 0.012 * size,
            "preview_cpu_s": 1.6 + 0.0125 * size,
            "noop_preview_s": 1.5 + 0.010 * size,
            "noop_preview_cpu_s": 1.6 + 0.010 * size,
            "same_data_preview_s": 1.5 + 0.012 * size,
            "same_data_preview_cpu_s": 1.6 + 0.012 * size,
        }

    # Fixed costs alone make the ratio to the floor rise with size though nothing grows faster than linear.
    assert row(160)["preview_s"] / row(160)["noop_preview_s"] > row(40)["preview_s"] / row(40)["noop_preview_s"]
    marginal = bench.marginal_preview_cost({str(size): row(size) for size in (10, 40, 160)})
    assert marginal["ours"] == {"wall": 12.0, "cpu": 12.5}
    assert marginal["floor"] == {"wall": 10.0, "cpu": 10.0}
    assert marginal["ours_over_same_data"] == {"wall": 0.0, "cpu": 0.5}
    assert marginal["same_data_over_floor"] == {"wall": 2.0, "cpu": 2.0}


def test_quartiles_of_pair_ratios():
    assert bench.quartiles([1.0, 1.1, 1.2, 1.3, 1.4]) == [1.1, 1.3]


def test_import_cost_is_measured_in_a_fresh_interpreter():
    assert bench.import_ms("json") > 0
    assert bench.import_ms("json", "import json") >= 0


def test_preview_ratio_is_the_median_of_back_to_back_pairs():
    # The floor's machine got twice as slow for the last pair: pairing keeps that out of the ratio.
    assert bench.paired_ratio([1.1, 1.0, 2.4], [1.0, 1.0, 2.0]) == 1.1


def test_cpu_by_process_finds_the_children_of_an_action():
    import subprocess

    split = bench.cpu_by_process(
        lambda: subprocess.run(
            [
                sys.executable,
                "-c",
                "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass",
            ],
            check=True,
        )
    )
    assert split.get("program", 0) >= 0.2


def test_secret_envelopes_are_opened_for_the_same_data_floor():
    secret = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "plaintext": '{"a": [1]}'}
    assert bench._plain({"k": secret, "l": [secret], "n": 3}) == {"k": {"a": [1]}, "l": [{"a": [1]}], "n": 3}
