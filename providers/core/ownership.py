"""Who made an object: the mark a resource leaves on what it creates, so a later run tells its own
leftovers (an interrupted create) from an object another stack or resource made.

The mark is a digest of the stack (project and stack name), the type token and the resource's
name in the program: the same resource in the same stack always gets the same mark, anything else
another. The program computes it (a dynamic provider is never told the resource's URN) and hands
it over as the hidden input ``__owner``; the provider plugin computes it from the URN it is given.
Where a platform has a place for it (tags, metadata, an environment variable, a description),
the type writes it there on create and reads it back on take-over.
"""

from __future__ import annotations

import hashlib

OWNER_KEY = "__owner"
MARK_PREFIX = "mlp-owner-"


def owner_mark(project: str, stack: str, type_token: str, name: str) -> str:
    """The mark of one resource of one stack: 16 hex digits, safe in any tag or header."""
    return hashlib.sha256(f"{project}\0{stack}\0{type_token}\0{name}".encode()).hexdigest()[:16]


def owner_from_urn(urn: str) -> str:
    """The same mark, computed from an engine URN (`urn:pulumi:<stack>::<project>::<type>::<name>`)."""
    parts = urn.split("::")
    stack = parts[0].rsplit(":", 1)[-1]
    project, type_chain, name = parts[1], parts[2], "::".join(parts[3:])
    return owner_mark(project, stack, type_chain.rsplit("$", 1)[-1], name)


def mark_label(owner: str) -> str:
    """The mark as a tag name or label (for platforms whose tags have a name only)."""
    return f"{MARK_PREFIX}{owner}"


def marks_in(labels: list[str]) -> list[str]:
    """The owner marks among tag names or labels."""
    return [label[len(MARK_PREFIX) :] for label in labels if label.startswith(MARK_PREFIX)]


def without_marks(labels: list[str]) -> list[str]:
    """Tag names or labels without owner marks: what the user declared."""
    return [label for label in labels if not label.startswith(MARK_PREFIX)]
