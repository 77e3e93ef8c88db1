"""PDF by printing the HTML export with headless Chromium: a real layout engine, not a home-made
writer. Chromium is an external program, so its absence is reported as an error the caller shows."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "chrome")


class PdfUnavailable(RuntimeError):
    """No headless browser to print with, or it failed."""


def chromium_path() -> str | None:
    configured = os.environ.get("CHROMIUM_PATH")
    if configured and Path(configured).exists():
        return configured
    return next((p for p in map(shutil.which, CANDIDATES) if p), None)


def html_to_pdf(html: str, timeout: float = 60) -> bytes:
    browser = chromium_path()
    if browser is None:
        raise PdfUnavailable("PDF export needs Chromium (set CHROMIUM_PATH or install chromium)")
    with tempfile.TemporaryDirectory(prefix="dmn-export-") as tmp:
        source, target = Path(tmp) / "model.html", Path(tmp) / "model.pdf"
        source.write_text(html, encoding="utf-8")
        cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--no-pdf-header-footer", f"--user-data-dir={tmp}/profile",
               f"--print-to-pdf={target}", source.as_uri()]
        try:
            subprocess.run(cmd, check=False, capture_output=True, timeout=timeout)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PdfUnavailable(f"Chromium failed: {exc}") from None
        if not target.exists() or target.stat().st_size == 0:
            raise PdfUnavailable("Chromium produced no PDF")
        return target.read_bytes()
