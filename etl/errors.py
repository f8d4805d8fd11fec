"""Errors the pipeline reports to people: one line, naming the file and line."""

from __future__ import annotations

from pathlib import Path


class GazetteError(Exception):
    """Bad input or a failed check. ``str()`` is the one-line message the CLI prints."""

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        self.path = str(path) if path is not None else None
        self.line = line
        self.detail = message
        where = self.path or ""
        if where and line is not None:
            where = f"{where}:{line}"
        super().__init__(f"{where}: {message}" if where else message)
