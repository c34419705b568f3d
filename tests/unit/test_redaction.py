"""One redaction path: remembered credentials and secret inputs never leave the provider in a
message (progress lines, errors, truncated error bodies, validation errors quoting an answer,
exceptions leaving an engine method), in any of the forms libraries quote them in."""

from __future__ import annotations

import json
import uuid
from urllib.parse import quote

import pytest
from pydantic import BaseModel

from providers.core import ConfigError, Operation, ProviderError, Settings, host, redaction, retry, waiter
from providers.core.error_bodies import MAX_CAUSE_CHARS, MAX_MESSAGE_CHARS, default_error_cause, parse_answer
from providers.core.errors import AnswerError, ServerError
from providers.core.redaction import REDACTED, clip, remember, remember_all, scrub, scrubbed_exceptions

OP = Operation("reading", "Peak", "Service", "svc-1")


def canary(label: str = "canary") -> str:
    """A value unique to the test, so nothing else can produce it."""
    return f"{label}-{uuid.uuid4().hex}"


class Answer:
    """Enough of a requests Response for the error-body helpers."""

    def __init__(self, status: int, body: object = None, text: str = "") -> None:
        self.status_code, self._body, self.text, self.reason = status, body, text, "Bad"

    def json(self) -> object:
        if self._body is None:
            raise ValueError("no json")
        return self._body


def test_every_quoted_form_of_a_remembered_value_is_redacted():
    secret = canary() + "/+ =?&\n"
    remember(secret)
    stripped = secret.strip()
    quoted = [
        secret,
        stripped,
        repr(secret),
        repr(secret.encode()),
        json.dumps(secret),
        json.dumps({"token": secret}),
        quote(secret, safe=""),
        quote(stripped),
        f"header value: {stripped!r}",
    ]
    for text in quoted:
        cleaned = scrub(f"before {text} after")
        assert stripped not in cleaned and secret.strip()[:20] not in cleaned, text
        assert REDACTED in cleaned and cleaned.startswith("before ") and cleaned.endswith(" after")


def test_short_values_are_not_remembered_and_containers_are_walked():
    remember("true")
    assert scrub("true and false") == "true and false"
    inner, other = canary("inner"), canary("other")
    remember_all([{"env": {"KEY": inner}}, [other], 42, None])
    assert scrub(f"{inner} {other}") == f"{REDACTED} {REDACTED}"


def test_a_value_cut_in_half_by_truncation_never_leaks():
    secret = canary()
    remember(secret)
    body = "x" * (MAX_CAUSE_CHARS - 10) + secret + "y" * 500
    cut = clip(body, MAX_CAUSE_CHARS)
    assert len(cut) <= MAX_CAUSE_CHARS
    assert secret[:8] not in cut and "canary" not in cut
    # the same through the error-body helper, as a text body, a JSON object without wording, and wording
    for answer in (Answer(502, text=body), Answer(500, ["x" * (MAX_CAUSE_CHARS - 10), secret, "y" * 500])):
        cause = default_error_cause(answer)
        assert "canary" not in cause and len(cause) <= MAX_CAUSE_CHARS
    long_detail = Answer(400, {"detail": "d" * (MAX_MESSAGE_CHARS - 5) + secret + "e" * 100})
    assert "canary" not in default_error_cause(long_detail)


def test_error_body_helper_keeps_its_shapes():
    assert default_error_cause(Answer(400, {"message": "bad input"})) == "bad input"
    assert default_error_cause(Answer(400, {"detail": {"f": "m"}})) == '{"f": "m"}'
    assert default_error_cause(Answer(502, text="<html>bad gateway</html>")) == "<html>bad gateway</html>"
    assert default_error_cause(Answer(500, ["a"])) == "['a']"
    assert default_error_cause(Answer(503, text="")) == "HTTP 503 Bad"


def test_provider_errors_are_redacted_even_for_values_remembered_later():
    early = ProviderError(f"the platform said {'late-' + 'x' * 12}", OP)
    remember("late-" + "x" * 12)
    assert "late-" not in str(early)
    secret = canary()
    remember(secret)
    error = ServerError(f"500: {secret}", OP, 500)
    assert secret not in str(error) and secret not in error.cause and secret not in repr(error.args)


def test_progress_lines_are_redacted(capsys):
    secret = canary()
    remember(secret)
    host.say(f"one {secret}")
    waiter.progress(f"two {secret!r}")
    loop = retry.RetryLoop(OP, sleep=lambda _s: None)
    loop.attempts = 1
    loop.pause_or_give_up(ServerError(f"503: {secret}", OP, 503))
    err = capsys.readouterr().err
    assert err.count(REDACTED) == 3 and "canary" not in err


class _Wire(BaseModel):
    count: int
    labels: dict[str, int] = {}


def test_a_validation_error_quoting_an_answer_is_short_and_redacted():
    secret = canary()
    remember(secret)
    with pytest.raises(AnswerError) as info:
        parse_answer(_Wire.model_validate, {"count": secret, "labels": {secret: "x"}}, OP)
    message = str(info.value)
    assert "canary" not in message and "input_value" not in message
    assert message.startswith("reading Peak Service (svc-1): the answer is not what the platform documents: count:")
    assert len(message) < 400
    # values nobody remembered are not quoted either
    with pytest.raises(AnswerError) as unquoted:
        parse_answer(_Wire.model_validate, {"count": "not-a-number-value"}, OP)
    assert "not-a-number-value" not in str(unquoted.value)


def test_exceptions_leaving_an_engine_method_are_scrubbed():
    secret = canary()
    remember(secret)

    with pytest.raises(ValueError) as info, scrubbed_exceptions():
        raise ValueError(f"Invalid header value b'{secret}\\n'")
    assert "canary" not in str(info.value)

    class Opaque(Exception):
        def __str__(self) -> str:
            return f"opaque {secret}"

    with pytest.raises(ProviderError) as replaced, scrubbed_exceptions():
        raise Opaque()
    assert str(replaced.value) == f"Opaque: opaque {REDACTED}"

    @scrubbed_exceptions()
    def chained() -> None:
        try:
            raise KeyError(secret)
        except KeyError:
            raise ProviderError("a clean message", OP)  # noqa: B904 (the chain is what is tested)

    with pytest.raises(ProviderError) as kept:
        chained()
    assert kept.value.__cause__ is None and kept.value.__suppress_context__
    assert str(kept.value) == "reading Peak Service (svc-1): a clean message"

    clean = RuntimeError("nothing secret here")
    with pytest.raises(RuntimeError) as untouched, scrubbed_exceptions():
        raise clean
    assert untouched.value is clean


def test_credentials_are_stripped_or_refused_naming_the_setting():
    key = canary()
    settings = Settings.from_mapping({"peak:apiKey": f"  {key}\n"}, environ={})
    assert settings.credential("peak:apiKey", ("PEAK_AUTH_TOKEN",), "Peak") == key
    assert scrub(key) == REDACTED, "a credential is remembered when it is read"
    inner = canary("inner")
    for config, environ, named in (
        ({"peak:apiKey": inner[:10] + "\n" + inner[10:]}, {}, "peak:apiKey (stack config)"),
        ({}, {"PEAK_AUTH_TOKEN": inner[:10] + "\r\n" + inner[10:] + "\n"}, "PEAK_AUTH_TOKEN (environment)"),
    ):
        with pytest.raises(ConfigError) as info:
            Settings.from_mapping(config, environ=environ).credential("peak:apiKey", ("PEAK_AUTH_TOKEN",), "Peak")
        message = str(info.value)
        assert named in message and "peak:apiKey" in message and "PEAK_AUTH_TOKEN" in message
        assert inner[:10] not in message and inner[10:] not in message


def test_reset_forgets(monkeypatch):
    # The registry is process-wide: tests that need it empty can reset it (restored afterwards).
    monkeypatch.setattr(redaction, "_remembered", set(redaction._remembered))
    monkeypatch.setattr(redaction, "_forms", redaction._forms)
    secret = canary()
    remember(secret)
    redaction._reset_for_tests()
    assert scrub(secret) == secret
