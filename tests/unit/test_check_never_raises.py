"""check turns any input, however malformed, into failures: it never raises (seeded, so repeatable)."""

from __future__ import annotations

import random

import pytest
from pulumi.output import Unknown

from providers.catalog import RESOURCES

JUNK = [
    None,
    True,
    False,
    0,
    -1,
    2.5,
    1e300,
    float("nan"),
    "",
    "x" * 10_000,
    "ünïcødé",
    [],
    {},
    [1, "a", None],
    {"k": 1},
    {"k": {"nested": [1]}},
    {"": ""},
    {1: "int key"},
    Unknown(),
    [Unknown()],
    {"k": Unknown()},
]


@pytest.mark.parametrize("entry", RESOURCES, ids=lambda e: f"{e.platform}.{e.resource}")
def test_random_inputs_give_failures_not_exceptions(entry):
    provider = getattr(entry.load(), f"{entry.resource}Provider")()
    fields = list(provider.args_model.field_specs())
    rng = random.Random(20261123)
    for _ in range(400):
        news = {name: rng.choice(JUNK) for name in rng.sample(fields, rng.randint(0, len(fields)))}
        if rng.random() < 0.3:
            news[rng.choice(["extra", "imageId", "NAME", "__provider"])] = rng.choice(JUNK)
        result = provider.check({}, news)
        for failure in result.failures:
            assert failure.property is not None and failure.reason
            assert failure.property.split(".")[0].split("[")[0] in {*fields, "extra", "imageId", "NAME"}
        if not result.failures and not any(isinstance(v, Unknown) for v in news.values()):
            provider.diff("id", {}, result.inputs)  # accepted inputs always diff cleanly


@pytest.mark.parametrize("entry", RESOURCES, ids=lambda e: f"{e.platform}.{e.resource}")
def test_non_mapping_news_values_are_reported(entry):
    provider = getattr(entry.load(), f"{entry.resource}Provider")()
    result = provider.check({}, {"env": "not-a-map", "secrets": "not-a-list"} if entry.resource == "Service" else {})
    assert result.failures
