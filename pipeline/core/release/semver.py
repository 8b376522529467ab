"""Semantic versioning, derived from the diff between two releases.

MAJOR: a column removed, renamed or retyped, a table removed, or the id scheme changed.
MINOR: new columns, tables or rows. PATCH: changed or removed rows. Nothing changed: no new version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LEVELS = {"none": 0, "patch": 1, "minor": 2, "major": 3}
_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")


class VersionError(ValueError):
    """The requested version does not follow from the changes (or is not a version)."""


def parse(version: str) -> tuple[int, int, int]:
    m = _VERSION.match(version.lstrip("v"))
    if not m:
        raise VersionError(f"{version!r} is not a semantic version X.Y.Z")
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


def bump_level(previous: str, new: str) -> str:
    a, b = parse(previous), parse(new)
    if b <= a:
        return "none"
    if b[0] > a[0]:
        return "major"
    if b[1] > a[1]:
        return "minor"
    return "patch"


def next_version(previous: str | None, level: str) -> str:
    """The smallest version after ``previous`` for a change of ``level`` (the first release is 0.1.0)."""
    if previous is None:
        return "0.1.0"
    major, minor, patch = parse(previous)
    if level == "major":
        return f"{major + 1}.0.0"
    if level == "minor":
        return f"{major}.{minor + 1}.0"
    if level == "patch":
        return f"{major}.{minor}.{patch + 1}"
    raise VersionError(f"no version follows a change of level {level!r}")


@dataclass
class Requirement:
    level: str
    reasons: list[str]


def check(previous: str | None, new: str, requirement: Requirement) -> None:
    """Raise VersionError unless ``new`` is a valid successor of ``previous`` for the required level."""
    parse(new)
    if previous is None:
        return
    if requirement.level == "none":
        raise VersionError(f"nothing changed since v{previous}: no new release needed")
    got = bump_level(previous, new)
    if got == "none":
        raise VersionError(f"v{new} is not greater than the latest release v{previous}")
    if LEVELS[got] < LEVELS[requirement.level]:
        raise VersionError(f"v{previous} → v{new} is a {got} bump, but the changes need {requirement.level}: "
                           + "; ".join(requirement.reasons))
