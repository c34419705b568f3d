"""The declarative models behind Args and Outputs: types, constraints, nesting, defaults, messages."""

from __future__ import annotations

import math
from typing import Annotated, Any

from providers.core import Field, ForceNew, ResourceArgs, Secret, ServerDefault
from providers.core.inputs import check_inputs
from providers.core.schema import Model, fields_with
from providers.peak.service import ServiceArgs


class Rule(Model):
    key: str = Field(description="k", min_length=1)
    weight: int = Field(default=1, ge=0, description="w")


class NestedArgs(ResourceArgs):
    name: Annotated[str, ForceNew()] = Field(description="n")
    rules: list[Rule] = Field(default_factory=list, description="r")
    primary: Rule | None = Field(default=None, description="p")
    labels: dict[str, int] = Field(default_factory=dict, description="l")
    ratio: float = Field(default=0.5, gt=0, lt=1, description="x")
    token: Annotated[str | None, Secret()] = Field(default=None, min_length=8, description="t")
    extra: Any = Field(default=None, description="anything")


def failures(model: type[ResourceArgs], news: dict[str, Any]) -> dict[str, str]:
    return {f.path: f.reason for f in check_inputs(model, news).failures}


def test_nested_values_are_judged_at_their_dotted_paths():
    found = failures(
        NestedArgs,
        {
            "name": "n",
            "rules": [{"key": "a"}, {"key": "", "wieght": 2}],
            "primary": {"key": "p", "weight": -1},
            "labels": {"a": 1.5},
        },
    )
    assert found == {
        "rules[1].key": "String should have at least 1 character",
        "rules[1].wieght": "unknown input; did you mean 'weight'?",
        "primary.weight": "Input should be greater than or equal to 0",
        "labels.a": "Input should be a valid integer, got a number with a fractional part",
    }


def test_canonical_inputs_are_plain_values_with_defaults_filled():
    outcome = check_inputs(NestedArgs, {"name": "n", "rules": [{"key": "a", "weight": 2.0}], "ratio": 0.25})
    assert outcome.failures == []
    assert outcome.inputs == {
        "name": "n",
        "rules": [{"key": "a", "weight": 2}],
        "primary": None,
        "labels": {},
        "ratio": 0.25,
        "token": None,
        "extra": None,
    }
    assert isinstance(outcome.inputs["rules"][0]["weight"], int)


def test_wrong_containers_are_named():
    assert failures(NestedArgs, {"name": "n", "rules": "a", "labels": [1], "primary": "p"}) == {
        "rules": "Input should be a valid list",
        "labels": "Input should be a valid dictionary",
        "primary": "Input should be an object",
    }
    assert failures(ServiceArgs, {"name": "a", "image_id": 1, "env": {1: "x"}}) == {"env": "Keys should be strings"}


def test_scalar_types_are_strict_except_integral_floats_and_numbers_as_text():
    assert failures(ServiceArgs, {"name": "a", "image_id": True}) == {"image_id": "Input should be a valid integer"}
    assert failures(ServiceArgs, {"name": "a", "image_id": "seven"}) == {"image_id": "Input should be a valid integer"}
    assert failures(ServiceArgs, {"name": "a", "image_id": "7.5"})["image_id"].endswith("fractional part")
    assert failures(ServiceArgs, {"name": "a", "image_id": "nan"}) == {"image_id": "Input should be a valid integer"}
    # What `pulumi.Config().get(...)` hands a program is text; Terraform converts it the same way.
    as_text = check_inputs(
        ServiceArgs, {"name": "a", "image_id": " 7 ", "timeout_seconds": "60", "scale_to_zero": "true"}
    )
    assert as_text.failures == []
    assert (as_text.inputs["image_id"], as_text.inputs["timeout_seconds"], as_text.inputs["scale_to_zero"]) == (
        7,
        60.0,
        True,
    )
    for not_a_boolean in (1, "yes", "True"):
        assert failures(ServiceArgs, {"name": "a", "image_id": 1, "scale_to_zero": not_a_boolean}) == {
            "scale_to_zero": "Input should be a valid boolean"
        }
    assert failures(ServiceArgs, {"name": 5, "image_id": 1}) == {"name": "Input should be a valid string"}
    assert failures(ServiceArgs, {"name": "a", "image_id": math.inf})["image_id"].endswith("fractional part")
    assert (
        check_inputs(ServiceArgs, {"name": "a", "image_id": 1, "timeout_seconds": 60}).inputs["timeout_seconds"] == 60.0
    )


def test_literal_and_bounds_messages_name_the_expectation():
    assert failures(ServiceArgs, {"name": "a", "image_id": 1, "service_type": "batch"}) == {
        "service_type": "Input should be 'web-app', 'api' or 'shiny'"
    }
    assert failures(ServiceArgs, {"name": "a", "image_id": 0}) == {"image_id": "Input should be greater than 0"}
    assert failures(NestedArgs, {"name": "n", "ratio": 1}) == {"ratio": "Input should be less than 1"}
    assert failures(NestedArgs, {"name": "n", "ratio": math.nan}) == {"ratio": "Input should be greater than 0"}


def test_none_means_unset():
    outcome = check_inputs(ServiceArgs, {"name": "a", "image_id": 1, "service_type": None, "env": None})
    assert outcome.failures == []
    assert outcome.inputs["service_type"] == "web-app" and outcome.inputs["env"] == {}
    assert failures(ServiceArgs, {"name": "a", "image_id": None}) == {"image_id": "required input is missing"}


def test_defaults_are_never_shared_between_instances():
    first, _ = ServiceArgs.parse({"name": "a", "image_id": 1})
    second, _ = ServiceArgs.parse({"name": "b", "image_id": 1})
    assert first is not None and second is not None
    first.env["X"] = "1"
    assert second.env == {}


def test_secret_values_stay_out_of_messages_and_repr():
    secret = "hunter2-but-long"
    parsed, problems = NestedArgs.parse({"name": "n", "token": secret})
    assert problems == [] and parsed is not None
    assert secret not in repr(parsed)
    assert all(secret[:5] not in f for f in failures(NestedArgs, {"name": "n", "token": secret[:5]}).values())
    assert fields_with(NestedArgs, Secret) == ("token",)


def test_field_specs_carry_type_markers_and_order():
    specs = ServiceArgs.field_specs()
    assert list(specs)[:3] == ["name", "service_type", "image_id"]
    assert specs["name"].annotation is str and any(isinstance(m, ForceNew) for m in specs["name"].markers)
    assert specs["version_id"].required is False and any(
        isinstance(m, ServerDefault) for m in specs["version_id"].markers
    )
    assert specs["image_id"].required is True and specs["image_id"].constraints() == {"gt": 0}


def test_program_construction_keeps_outputs_and_misspellings_for_check():
    name = object()  # stands for another resource's Output, which only the engine resolves
    args = ServiceArgs(name=name, image_id=1, imgae=3)
    assert args.name is name
    assert args.to_props() == {"name": name, "image_id": 1, "imgae": 3}
    assert args.service_type == "web-app"
