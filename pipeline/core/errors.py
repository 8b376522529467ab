"""RejectError, raised by core functions that meet input they cannot use, and Reject, the row a stage turns it
into (other failures, such as a heuristic's bug or an exhausted memory, become rejects where they are caught)."""

from __future__ import annotations

from dataclasses import dataclass


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

    def as_row(self) -> dict:
        return {
            "source_path": self.source_path,
            "raw_sha256": self.raw_sha256,
            "stage": self.stage,
            "reason": self.reason,
            "message": self.message,
        }
