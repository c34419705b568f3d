"""AppConfig's `documented` answers: botocore's model is the API's documentation, so an answer keeps
only the output members the model declares for its operation (in the body; header members and a
blob payload, the hosted content, pass as they are)."""

from __future__ import annotations

from functools import cache
from typing import Any

from providers.sandbox.appconfig.urls import MODEL, operation
from providers.sandbox.core.answers import Shape, prune
from providers.sandbox.core.http import Request


def shape_of(shape: Any, seen: tuple[str, ...] = ()) -> Shape:
    """The prune shape of a botocore shape: structures keep their body members, recursively."""
    if shape.type_name == "list":
        return [shape_of(shape.member, seen)]
    if shape.type_name == "map":
        return {"*": shape_of(shape.value, seen)}
    if shape.type_name != "structure" or shape.name in seen:
        return True
    members = shape.members.items()
    return {
        name: shape_of(member, (*seen, shape.name))
        for name, member in members
        if "location" not in member.serialization
    }


@cache
def output_shape(name: str) -> Shape:
    """What the answer of an operation may carry (True: all of it, a payload the model does not split)."""
    output = MODEL.operation_model(name).output_shape
    if output is None:
        return {}
    return True if output.serialization.get("payload") else shape_of(output)


def answer(route: str, request: Request, body: Any) -> Any:
    name = operation(request.method, request.path)
    return body if name is None else prune(body, output_shape(name))
