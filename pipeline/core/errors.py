"""RejectError, raised by core functions that meet input they cannot use, and Reject, the row a stage turns it
into (other failures, such as a heuristic's bug or an exhausted memory, become rejects where they are caught)."""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path


class RejectError(Exception):
    """Raised by a core function that meets input it cannot use."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class Reject:
    source_path: str
    raw_sha256: str | None
    stage: str
    reason: str
    message: str

    @classmethod
    def internal_error(cls, source_path: str, raw_sha256: str | None, stage: str, exc: BaseException,
                       where: bool = False) -> "Reject":
        """An unexpected exception met on one document (a heuristic's or a parser's bug), so that it costs that
        document and not the run. The message is ``"Type: text"``, or with ``where`` ``"Type in file.py:line:
        text"`` (the innermost frame of its traceback), cut at 500 characters."""
        return cls(source_path, raw_sha256, stage, "internal_error", exception_message(exc, where))

    def as_row(self) -> dict:
        return {
            "source_path": self.source_path,
            "raw_sha256": self.raw_sha256,
            "stage": self.stage,
            "reason": self.reason,
            "message": self.message,
        }


def exception_message(exc: BaseException, where: bool = False) -> str:
    """``"Type: text"``, or with ``where`` ``"Type in file.py:line: text"`` (the innermost frame of the
    traceback), cut at 500 characters: an unexpected exception as a reject's message (no path, no machine)."""
    at = ""
    if where and exc.__traceback__ is not None:
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        at = f" in {Path(frame.filename).name}:{frame.lineno}"
    return f"{type(exc).__name__}{at}: {exc}"[:500]
