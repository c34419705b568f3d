"""Saving the sandbox state to a JSON file, so a demo stack survives a restart of the sandbox."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


class StateFile:
    """A JSON file written atomically (temporary file, then rename), and only when the state changed."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._saved: str | None = None

    def load(self) -> dict[str, Any] | None:
        """The saved state, or None when there is no file yet."""
        if not self.path.exists():
            return None
        text = self.path.read_text(encoding="utf-8")
        try:
            data = json.loads(text)
        except ValueError as error:
            raise ValueError(f"sandbox state file {self.path} is not valid JSON: {error}") from None
        if not isinstance(data, dict):
            raise ValueError(f"sandbox state file {self.path} does not hold a JSON object")
        self._saved = _serialise(data)
        return data

    def save(self, state: dict[str, Any]) -> None:
        """Write the state unless it is what the file already holds."""
        text = _serialise(state)
        if text == self._saved:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, self.path)
        self._saved = text


def _serialise(state: dict[str, Any]) -> str:
    return json.dumps(state, indent=2, sort_keys=True) + "\n"
