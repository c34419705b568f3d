"""Transport helpers, errors, settings and the provider's pickled form."""

from __future__ import annotations

import base64
import pickle

import dill
from pulumi.dynamic import Config, ConfigureRequest

from providers.core import ConflictError, NotFoundError, Operation, Settings
from providers.core.errors import error_for_status, redact
from providers.core.transport import HttpTransport, join_path
from providers.peak.service import ServiceProvider


def test_every_path_segment_is_quoted():
    assert join_path("webapps", "a/b c?d#e") == "/webapps/a%2Fb%20c%3Fd%23e"
    assert join_path("webapps", trailing_slash=True) == "/webapps/"


def test_error_message_format_and_status_table():
    err = ConflictError("409: busy", Operation("deleting", "Peak", "Service", "id-1"), 409)
    assert str(err) == "deleting Peak Service (id-1): 409: busy"
    assert error_for_status(404) is NotFoundError
    assert error_for_status(502).__name__ == "ServerError"


def test_redaction():
    assert redact("token abcd1234 leaked", ["abcd1234"]) == "token [redacted] leaked"


def test_transport_leaves_retries_to_the_core_loop():
    adapter = HttpTransport(headers={}).session().get_adapter("http://x")
    assert adapter.max_retries.total == 0


def test_settings_prefer_stack_config_then_environment():
    settings = Settings.from_mapping({"peak:apiKey": "from-config"}, environ={"PEAK_AUTH_TOKEN": "from-env"})
    assert settings.get("peak:apiKey", ["PEAK_AUTH_TOKEN"]) == "from-config"
    env_only = Settings.from_mapping({}, environ={"API_KEY": "k2"})
    assert env_only.get("peak:apiKey", ["PEAK_AUTH_TOKEN", "API_KEY"]) == "k2"


def test_pickled_provider_is_tiny_and_carries_nothing_even_after_configure():
    provider = ServiceProvider()
    fresh = base64.b64encode(dill.dumps(provider, recurse=True))
    provider.configure(ConfigureRequest(Config({"peak:apiKey": "super-secret-key"}, "proj")))
    configured = base64.b64encode(dill.dumps(provider, recurse=True))
    assert fresh == configured
    assert len(fresh) < 200
    assert b"super-secret-key" not in base64.b64decode(configured)
    assert type(pickle.loads(base64.b64decode(fresh))) is ServiceProvider


def test_one_at_a_time_queues_callers_of_one_key_and_times_out_naming_what_it_waited_for():
    import threading

    import pytest

    from providers.core import Deadline, WaitTimeoutError
    from providers.core.concurrency import one_at_a_time

    op = Operation("starting", "AppConfig", "Deployment", "app/env")
    inside = threading.Event()
    leave = threading.Event()

    def holder() -> None:
        with one_at_a_time("env-a", Deadline.after(5), op, "the other"):
            inside.set()
            leave.wait(5)

    thread = threading.Thread(target=holder)
    thread.start()
    assert inside.wait(5)
    with one_at_a_time("env-b", Deadline.after(0.1), op, "unused"):
        pass  # another key is not held up
    waited = "this run's other deployment to the environment"
    with pytest.raises(WaitTimeoutError) as info, one_at_a_time("env-a", Deadline.after(0.2), op, waited):
        pass
    assert str(info.value) == (
        "starting AppConfig Deployment (app/env): timed out after 0.2s waiting for "
        "this run's other deployment to the environment"
    )
    leave.set()
    thread.join(5)
    with one_at_a_time("env-a", Deadline.after(1), op, "the other"):
        pass  # released by its holder
