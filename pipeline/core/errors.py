"""The one exception type stages raise for unusable input; stages turn it into a reject row."""

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
