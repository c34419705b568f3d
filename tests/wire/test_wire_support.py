"""The wire tier's machinery: what the proxy keeps of a request (never a credential), and that the
comparison catches every kind of difference and holds expected differences to exactly what they say."""

from __future__ import annotations

import base64
import json

import pytest
import requests

from providers.sandbox import Sandbox
from tests.harness import PEAK_TEST_KEY
from tests.wire.wire_support import (
    ABSENT,
    PRESENT,
    Differ,
    RecordingProxy,
    Sent,
    Side,
    WireCase,
    check,
    collect,
    compare,
    describe_auth,
    form_shape,
    log_position,
    mark_over_http,
    settled_log,
)

SECRET = "s3cr3t-value-never-shown"


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.mark.parametrize(
    ("headers", "described"),
    [
        ({"authorization": SECRET}, "Authorization: <raw token, no scheme>"),
        ({"authorization": f"Bearer {SECRET}"}, "Authorization: Bearer <token>"),
        ({"authorization": basic(SECRET, "")}, "Authorization: Basic (user <set>, password <empty>)"),
        ({"authorization": basic("", SECRET)}, "Authorization: Basic (user <empty>, password <set>)"),
        ({"authorization": basic(f"user-{SECRET}", SECRET)}, "Authorization: Basic (user user-<set>, password <set>)"),
        (
            {
                "authorization": f"AWS4-HMAC-SHA256 Credential={SECRET}/20250101/eu-west-1/appconfig/aws4_request, "
                f"SignedHeaders=host, Signature={SECRET}"
            },
            "Authorization: AWS4-HMAC-SHA256 (scope eu-west-1/appconfig)",
        ),
        ({}, "no Authorization"),
        ({"authorization": basic(SECRET, ""), "x-dku-proxyuser": SECRET}, None),
    ],
)
def test_auth_is_described_without_the_credential(headers: dict[str, str], described: str | None) -> None:
    text = describe_auth(headers)
    assert SECRET not in text
    assert base64.b64encode(SECRET.encode()).decode()[:12] not in text
    if described is not None:
        assert text == described
    else:
        assert text.endswith("x-dku-proxyuser: <set>")


def test_multipart_and_form_bodies_are_reduced_to_field_names() -> None:
    body = (
        b'--b\r\nContent-Disposition: form-data; name="spec"\r\n\r\n{"a": 1}\r\n'
        b'--b\r\nContent-Disposition: form-data; name="artifact"; filename="artifact.zip"\r\n'
        b"Content-Type: application/zip\r\n\r\nPK\r\n--b--\r\n"
    )
    assert form_shape("multipart/form-data; boundary=b", body) == {
        "kind": "multipart",
        "keys": ["spec"],
        "files": ["artifact"],
    }
    assert form_shape("application/x-www-form-urlencoded", b"Action=X&Version=1") == {
        "kind": "form",
        "keys": ["Action", "Version"],
    }
    assert form_shape("application/json", b"{}") is None


def test_proxy_forwards_and_keeps_shapes_only(sb: Sandbox) -> None:
    since = log_position(sb)
    with RecordingProxy(sb.url) as proxy:
        mark_over_http(proxy.url, "list")
        answer = requests.get(
            f"{proxy.url}/peak/service/webapps/api/v1/webapps/",
            params={"featureType": "services", "status": ["AVAILABLE", "CREATING"]},
            headers={"Authorization": PEAK_TEST_KEY},
            timeout=30,
        )
        proxy.mark("~end")
        records = proxy.snapshot()
    assert answer.status_code == 200, answer.text
    assert "services" in answer.json()
    assert records[0] == {"marker": "list"} and records[-1] == {"marker": "~end"}
    assert PEAK_TEST_KEY not in json.dumps(records)
    sent = collect("test", records, settled_log(sb, "peak", since), {})["list"]
    assert [s.describe() for s in sent] == [
        "GET /peak/service/webapps/api/v1/webapps/?featureType=services&status=AVAILABLE&status=CREATING"
        " -> 200 (peak.list_services)"
    ]
    assert sent[0].auth == "Authorization: <raw token, no scheme>" and sent[0].body is None


def sent(**changes: object) -> Sent:
    fields: dict[str, object] = {
        "method": "GET",
        "path": "/x/items/{item}",
        "query": {"a": ["1"]},
        "body": {"kind": "json", "keys": ["k", "k.n"]},
        "content_type": "application/json",
        "auth": "Authorization: Bearer <token>",
        "headers": ("content-type",),
        "route": "x.get_item",
        "status": 200,
    }
    fields.update(changes)
    return Sent(**fields)  # type: ignore[arg-type]


CASE = WireCase(op="get_item", ours="Client.get_item", sdk="sdk.get_item")


@pytest.mark.parametrize(
    ("ours", "facet"),
    [
        (sent(method="POST"), "method"),
        (sent(path="/x/items/{item}/"), "path"),
        (sent(query={"a": ["2"]}), "query"),
        (sent(query={"a": ["1"], "b": ["1"]}), "query"),
        (sent(body={"kind": "json", "keys": ["k"]}), "body"),
        (sent(body={"kind": "multipart", "keys": ["k", "k.n"], "files": []}), "body"),
        (sent(auth="Authorization: Basic (user <set>, password <empty>)"), "auth"),
    ],
)
def test_every_facet_difference_is_caught(ours: Sent, facet: str) -> None:
    problems = compare(CASE, [sent()], [ours], (), with_headers=False)
    assert len(problems) == 1 and problems[0].startswith(f"request: {facet}:"), problems


def test_header_names_count_only_where_asked() -> None:
    ours = sent(headers=("content-type", "versionlabel"))
    assert compare(CASE, [sent()], [ours], (), with_headers=False) == []
    assert compare(CASE, [sent()], [ours], (), with_headers=True)[0].startswith("request: headers:")


def test_a_failed_or_unrouted_request_fails_the_case() -> None:
    problems = compare(CASE, [sent(status=404)], [sent(route=None)], (), with_headers=False)
    assert any("SDK's request failed" in p for p in problems)
    assert any("ours sent a request the sandbox has no route for" in p for p in problems)


def test_a_different_number_of_requests_is_caught() -> None:
    assert compare(CASE, [sent()], [sent(), sent()], (), with_headers=False)[0].startswith("request count")


PAGE_SIZE = Differ("query.pageSize", ABSENT, ["100"], "why")


def test_an_expected_difference_is_asserted_exactly() -> None:
    ours = sent(query={"a": ["1"], "pageSize": ["100"]})
    assert compare(CASE, [sent()], [ours], (PAGE_SIZE,), with_headers=False) == []
    # Gone, or changed: either way the case fails.
    assert compare(CASE, [sent()], [sent()], (PAGE_SIZE,), with_headers=False)[0].startswith(
        "request: expected difference on query.pageSize changed"
    )
    changed = sent(query={"a": ["1"], "pageSize": ["50"]})
    assert compare(CASE, [sent()], [changed], (PAGE_SIZE,), with_headers=False) != []


def test_body_key_differences_and_nested_keys() -> None:
    differ = Differ("body.k", PRESENT, ABSENT, "why")
    ours = sent(body={"kind": "json", "keys": []})
    assert compare(CASE, [sent()], [ours], (differ,), with_headers=False) == []
    multipart = {"kind": "multipart", "keys": ["spec"], "files": []}
    theirs = sent(body={"kind": "multipart", "keys": ["parameters", "spec"], "files": []})
    problems = compare(CASE, [theirs], [sent(body=multipart)], (), with_headers=False)
    assert len(problems) == 1 and problems[0].endswith("(only the SDK sent parameters)"), problems


def test_path_prefix_and_query_booleans() -> None:
    rules = (
        Differ("path-prefix", "/d/dip/publicapi/", "/d/public/api/", "why", request=None),
        Differ("query-booleans", "True/False", "true/false", "why", request=None),
    )
    theirs = sent(path="/d/dip/publicapi/x", query={"peek": ["False"]})
    assert compare(CASE, [theirs], [sent(path="/d/public/api/x", query={"peek": ["false"]})], rules, False) == []
    # The same capitalisation as the SDK is a change of the expected difference too.
    assert compare(CASE, [theirs], [sent(path="/d/public/api/x", query={"peek": ["False"]})], rules, False) != []
    assert compare(CASE, [theirs], [sent(path="/d/public/api/y", query={"peek": ["false"]})], rules, False) != []


def test_a_rule_applies_only_where_its_predicate_says() -> None:
    rule = Differ("body", {"kind": "json", "keys": []}, None, "why", request=None, when=lambda a, b: a.method == "GET")
    empty = {"kind": "json", "keys": []}
    assert compare(CASE, [sent(body=empty)], [sent(body=None)], (rule,), with_headers=False) == []
    posts = [sent(method="POST", body=empty)], [sent(method="POST", body=None)]
    assert compare(CASE, *posts, (rule,), with_headers=False) != []


def test_check_names_a_suspected_bug_and_what_raised() -> None:
    case = WireCase(op="get_item", ours="Client.get_item", sdk="sdk.get_item", bug="we send too much")
    sdk, ours = Side("SDK", {"get_item": [sent()]}), Side("ours", {"get_item": [sent(query={})]}, {"get_item": "Boom"})
    with pytest.raises(AssertionError) as failure:
        check(case, sdk, ours)
    message = str(failure.value)
    assert (
        "client bug this case watches for" in message
        and "we send too much" in message
        and "ours raised: Boom" in message
    )
