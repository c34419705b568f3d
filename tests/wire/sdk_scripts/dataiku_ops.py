# mypy: ignore-errors
# (dataiku-api-client is installed only in the SDK virtualenv this script runs in.)
"""The Dataiku DSS operations of the wire tier through the official dataiku-api-client
(tests/wire/test_dataiku_wire.py runs the same operations through our client)."""

from __future__ import annotations

import os

import dataikuapi
from dataikuapi.dss.admin import DSSCodeStudioTemplate
from dataikuapi.dss.codestudio import DSSCodeStudioObject
from wire_sdk import load_config, run

CONFIG = load_config()
CLIENT = dataikuapi.DSSClient(f"{CONFIG['proxy']}/dataiku", os.environ["DKU_API_KEY"])


def project(c, key=None):
    return CLIENT.get_project(key or c.inputs["project"])


def studio(c):
    return DSSCodeStudioObject(CLIENT, c.inputs["project"], c.ids["studio"])


def template(c):
    return DSSCodeStudioTemplate(CLIENT, c.ids["template"])


def create_template(c):
    c.ids["template"] = CLIENT.create_code_studio_template(**c.inputs["template"]).template_id


def load_template_settings(c):
    c.state["template_settings"] = template(c).get_settings()


def create_studio(c):
    c.ids["studio"] = project(c).create_code_studio(**c.inputs["studio"]).code_studio_id


def start_studio(c):
    c.ids["start_job"] = studio(c).restart().job_id


def stop_studio(c):
    c.ids["stop_job"] = studio(c).stop().job_id


OPS = {
    "get_auth_info": lambda c: CLIENT.get_auth_info(),
    "iter_projects": lambda c: CLIENT.list_projects(),
    "create_project": lambda c: CLIENT.create_project(**c.inputs["new_project"]),
    "get_project": lambda c: project(c, c.inputs["new_project"]["project_key"]).get_summary(),
    "delete_project": lambda c: project(c, c.inputs["new_project"]["project_key"]).delete(),
    "iter_code_studio_templates": lambda c: CLIENT.list_code_studio_templates(),
    "create_code_studio_template": create_template,
    "get_code_studio_template": lambda c: template(c).get_settings(),
    "~load_template_settings": load_template_settings,
    "update_code_studio_template": lambda c: c.state["template_settings"].save(),
    "create_code_studio_template_build": lambda c: template(c).build(),
    "delete_code_studio_template": lambda c: template(c).delete(),
    "iter_code_studios": lambda c: project(c).list_code_studios(),
    "create_code_studio": create_studio,
    "get_code_studio": lambda c: studio(c).get_settings(),
    "get_code_studio_status": lambda c: studio(c).get_status(),
    "create_code_studio_start": start_studio,
    "get_future": lambda c: CLIENT.get_future(c.ids["start_job"]).get_result(),
    "get_zone_conflicts": lambda c: studio(c).check_conflicts(c.inputs["zone"]),
    "update_dss_from_zone": lambda c: studio(c).pull_from_code_studio(c.inputs["zone"]),
    "update_zone_from_dss": lambda c: studio(c).push_to_code_studio(c.inputs["zone"]),
    "update_code_studio_owner": lambda c: studio(c).change_owner(c.inputs["new_owner"]),
    "create_code_studio_stop": stop_studio,
    "delete_future": lambda c: CLIENT.get_future(c.ids["stop_job"]).abort(),
    "delete_code_studio": lambda c: studio(c).delete(),
}

if __name__ == "__main__":
    run(OPS, CONFIG)
