"""Headless Debian Chromium for the e2e tests (no browser download; the network stays off for local files)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome")


def find_chromium() -> str | None:
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


def _flags(profile: str, offline: bool) -> list[str]:
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--hide-scrollbars"]
    if offline:
        # file:// pages only: every network request goes to a dead proxy (localhost stays bypassed by default)
        flags += ["--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9"]
    return flags


def screenshot(url: str, out: Path, size: str = "1400,1000", budget_ms: int = 10000, offline: bool = True) -> Path:
    browser = find_chromium()
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([browser, *_flags(profile, offline), f"--window-size={size}", f"--virtual-time-budget={budget_ms}",
                        f"--screenshot={out}", url], check=True, capture_output=True, timeout=180)
    return out


def dump_dom(url: str, budget_ms: int = 10000, offline: bool = True) -> str:
    browser = find_chromium()
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run([browser, *_flags(profile, offline), f"--virtual-time-budget={budget_ms}", "--dump-dom", url],
                              check=True, capture_output=True, timeout=180, text=True)
    return done.stdout
