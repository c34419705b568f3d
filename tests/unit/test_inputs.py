"""check and diff as pure functions, on the Peak Service Args model and a model with a secret."""

from __future__ import annotations

from typing import Annotated

from pulumi.output import Unknown

from providers.core import Field, ForceNew, ResourceArgs, Secret, WriteOnly
from providers.core.inputs import check_inputs, diff_inputs, dotted
from providers.peak.service import ServiceArgs, ServiceOutputs

GOOD = {"name": "api-one", "image_id": 12.0, "env": {"A": "1"}}


def failures_of(news):
    return {f.path: f.reason for f in check_inputs(ServiceArgs, news, ServiceOutputs.field_specs()).failures}


def test_floats_for_ints_are_coerced_and_defaults_filled():
    outcome = check_inputs(ServiceArgs, {**GOOD, "version_id": 3.0, "__provider": "x"})
    assert outcome.failures == []
    assert outcome.inputs["image_id"] == 12 and isinstance(outcome.inputs["image_id"], int)
    assert outcome.inputs["version_id"] == 3 and isinstance(outcome.inputs["version_id"], int)
    assert outcome.inputs["service_type"] == "web-app"
    assert outcome.inputs["timeout_seconds"] == 900.0
    assert "__provider" not in outcome.inputs


def test_output_placeholders_from_the_program_are_not_inputs():
    news = {**GOOD, **{name: None for name in ServiceOutputs.field_specs()}}
    assert failures_of(news) == {}


def test_each_bad_field_is_named_by_its_dotted_path():
    failures = failures_of(
        {"name": "Bad_Name", "image_id": 2.5, "env": {"A": 1}, "secrets": ["ok", 3], "min_instances": 5.0}
    )
    assert set(failures) == {"name", "image_id", "env.A", "secrets[1]", "min_instances"}
    assert "pattern" in failures["name"]
    assert "integer" in failures["image_id"]


def test_missing_required_and_misspelt_fields():
    failures = failures_of({"name": "x", "imge_id": 4})
    assert failures["image_id"] == "required input is missing"
    assert failures["imge_id"] == "unknown input; did you mean 'image_id'?"


def test_cross_field_rule_names_the_field():
    assert failures_of({**GOOD, "service_type": "api", "session_stickiness": True}) == {
        "session_stickiness": "session stickiness is not available for `api` services"
    }
    assert "scale_to_zero" in failures_of({**GOOD, "service_type": "shiny", "scale_to_zero": True})


def test_unknown_values_pass_check_untouched():
    unknown = Unknown()
    outcome = check_inputs(ServiceArgs, {"name": unknown, "image_id": 3.0, "env": {"A": Unknown()}})
    assert outcome.failures == []
    assert outcome.inputs["name"] is unknown
    assert isinstance(outcome.inputs["env"]["A"], Unknown)


def test_known_inputs_get_defaults_and_canonical_values_beside_unknown_ones():
    known = check_inputs(ServiceArgs, {"name": "svc", "image_id": 3.0, "env": {"A": "x"}}).inputs
    partly = check_inputs(ServiceArgs, {"name": "svc", "image_id": 3.0, "env": {"A": Unknown()}}).inputs
    assert isinstance(partly["env"]["A"], Unknown)
    # Every other input reads exactly as when all are known: defaults filled, 3.0 made 3.
    assert {k: v for k, v in partly.items() if k != "env"} == {k: v for k, v in known.items() if k != "env"}
    assert partly["image_id"] == 3 and partly["scale_to_zero"] is False and partly["timeout_seconds"] == 900
    assert partly["secrets"] == [] and partly["adopt_existing"] is False
    # Diffing the partly-unknown inputs against the state of the known ones names only env.
    assert diff_inputs(ServiceArgs, known, partly).changed == ("env",)


def test_known_values_are_still_judged_beside_unknown_ones():
    assert set(failures_of({"name": Unknown(), "image_id": "abc"})) == {"image_id"}


class SecretArgs(ResourceArgs):
    name: Annotated[str, ForceNew()] = Field(description="n")
    password: Annotated[str, Secret(), WriteOnly()] = Field(min_length=12, description="p")


def test_secret_values_never_appear_in_failures():
    outcome = check_inputs(SecretArgs, {"name": "a", "password": "hunter2-short"[:9]})
    assert [f.path for f in outcome.failures] == ["password"]
    assert "hunter2" not in outcome.failures[0].reason


def test_dotted_paths():
    assert dotted(("env", "A")) == "env.A"
    assert dotted(("secrets", 1)) == "secrets[1]"
    assert dotted(("a", 0, "b")) == "a[0].b"


OLD = {**check_inputs(ServiceArgs, GOOD).inputs, "version_id": 7, "status": "AVAILABLE"}


def test_no_change_when_state_matches_even_with_floats():
    diff = diff_inputs(ServiceArgs, {**OLD, "image_id": 12.0}, check_inputs(ServiceArgs, GOOD).inputs, ("name",))
    assert diff.changed == ()


def test_in_place_change():
    news = check_inputs(ServiceArgs, {**GOOD, "title": "New", "env": {}}).inputs
    diff = diff_inputs(ServiceArgs, OLD, news, ("name",))
    assert set(diff.changed) == {"title", "env"}
    assert diff.replaces == ()


def test_name_change_replaces_create_before_delete():
    news = check_inputs(ServiceArgs, {**GOOD, "name": "api-two"}).inputs
    diff = diff_inputs(ServiceArgs, OLD, news, ("name",))
    assert diff.replaces == ("name",) and diff.delete_before_replace is False


def test_type_change_with_same_name_deletes_first():
    news = check_inputs(ServiceArgs, {**GOOD, "service_type": "shiny"}).inputs
    diff = diff_inputs(ServiceArgs, OLD, news, ("name",))
    assert diff.replaces == ("service_type",) and diff.delete_before_replace is True


def test_unknown_counts_as_changed_and_replaces_force_new_fields():
    news = {**check_inputs(ServiceArgs, GOOD).inputs, "name": Unknown(), "description": Unknown()}
    diff = diff_inputs(ServiceArgs, OLD, news, ("name",))
    assert set(diff.changed) == {"name", "description"}
    assert diff.replaces == ("name",)


def test_server_default_left_unset_keeps_the_platform_value():
    news = check_inputs(ServiceArgs, GOOD).inputs
    assert news["version_id"] is None
    assert "version_id" not in diff_inputs(ServiceArgs, OLD, news).changed
    pinned = check_inputs(ServiceArgs, {**GOOD, "version_id": 8}).inputs
    assert diff_inputs(ServiceArgs, OLD, pinned).changed == ("version_id",)


def test_field_missing_from_old_state_compares_with_its_default():
    old = {k: v for k, v in OLD.items() if k != "scale_to_zero"}
    assert diff_inputs(ServiceArgs, old, check_inputs(ServiceArgs, GOOD).inputs).changed == ()
