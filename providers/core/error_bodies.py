"""Reading a platform's error answer: the JSON object most APIs send, or the text of one that sent none.

Each client's `error_cause` turns the object into its platform's wording; what to do with a body
that is not JSON, or JSON but not an object, is the same everywhere and lives here.
"""

from __future__ import annotations

from typing import Any

MAX_CAUSE_CHARS = 300


def error_object(response: Any) -> tuple[dict[str, Any] | None, str]:
    """(the body as a JSON object, or None; a cause to use when there is no object).

    The fallback is the body's text (a proxy's HTML page, a bare list), cut short, or the status
    line when the body is empty.
    """
    try:
        body = response.json()
    except ValueError:
        text = (response.text or "").strip()
        return None, text[:MAX_CAUSE_CHARS] or f"HTTP {response.status_code}"
    if isinstance(body, dict):
        return body, str(body)[:MAX_CAUSE_CHARS]
    return None, str(body)[:MAX_CAUSE_CHARS]
