# mypy: ignore-errors
# (abeja-sdk is installed only in the SDK virtualenv this script runs in.)
"""The ABEJA Platform operations of the wire tier through the official abeja-sdk
(tests/wire/test_abeja_wire.py runs the same operations through our client).

ABEJA_API_URL (the recording proxy's) and PLATFORM_AUTH_TOKEN come from the environment, set before
abeja is imported (the SDK reads the URL once, at import); ABEJA_WIRE_USER_ID and ABEJA_WIRE_PAT are
the user credentials of the Basic-auth operation.
"""

from __future__ import annotations

import os

from abeja.datalake import APIClient as DatalakeClient
from abeja.deployments import APIClient as DeploymentsClient
from abeja.triggers import APIClient as TriggersClient
from wire_sdk import load_config, run

CONFIG = load_config()
DEPLOYMENTS, DATALAKE, TRIGGERS = DeploymentsClient(), DatalakeClient(), TriggersClient()
BASIC = TriggersClient(
    credential={"user_id": os.environ["ABEJA_WIRE_USER_ID"], "personal_access_token": os.environ["ABEJA_WIRE_PAT"]}
)


def where(c):
    return c.inputs["organization_id"], c.inputs["deployment_id"]


def create(label, args):
    def op(c):
        trigger = TRIGGERS.create_trigger(*where(c), **c.inputs[args])
        c.ids[label] = trigger["trigger_id"]

    return op


OPS = {
    "get_deployment": lambda c: DEPLOYMENTS.get_deployment(*where(c)),
    "get_deployment_version": lambda c: DEPLOYMENTS.get_deployment_version(*where(c), c.inputs["version_id"]),
    "get_channel": lambda c: DATALAKE.get_channel(c.inputs["organization_id"], c.inputs["channel_id"]),
    "create_trigger": create("trigger", "full_trigger"),
    "create_trigger:minimal": create("minimal_trigger", "minimal_trigger"),
    "get_trigger": lambda c: TRIGGERS.get_trigger(*where(c), c.ids["trigger"]),
    "iter_triggers": lambda c: TRIGGERS.get_triggers(*where(c)),
    "iter_triggers:basic-auth": lambda c: BASIC.get_triggers(*where(c)),
    "iter_trigger_runs": lambda c: TRIGGERS.get_trigger_runs(*where(c), c.ids["trigger"]),
    "delete_trigger": lambda c: TRIGGERS.delete_trigger(*where(c), c.ids["trigger"]),
}

if __name__ == "__main__":
    run(OPS, CONFIG)
