"""Old Word (.doc) and WPS files: converted to .docx by LibreOffice headless, when installed.

These binary formats have no well-kept pure-Python reader; LibreOffice reads them
faithfully, tables and merged cells included. It is an optional system package: without
it the file gets a message saying how to install it, and the rest of the batch runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

INSTALL = "apt-get install libreoffice-writer-nogui"
TIMEOUT = 120  # seconds for one conversion


class OfficeError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def soffice() -> str | None:
    """The LibreOffice program, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_docx(data: bytes, name: str, suffix: str = ".doc") -> bytes:
    """The .docx bytes of an old Word/WPS/RTF file, or OfficeError naming it."""
    exe = soffice()
    if exe is None:
        raise OfficeError(
            "needs-libreoffice",
            f"{name}: an old Word or WPS file (.doc/.wps); reading it needs LibreOffice, "
            f"which is not installed (run: {INSTALL})",
        )
    with tempfile.TemporaryDirectory(prefix="analysis-office-") as tmp:
        src = Path(tmp) / ("in" + suffix)
        src.write_bytes(data)
        env = {**os.environ, "HOME": tmp}  # its profile goes to the temporary folder
        try:
            proc = subprocess.run(
                [
                    exe,
                    "--headless",
                    "--norestore",
                    f"-env:UserInstallation=file://{tmp}/profile",
                    "--convert-to",
                    "docx",
                    "--outdir",
                    tmp,
                    str(src),
                ],
                capture_output=True,
                timeout=TIMEOUT,
                env=env,
            )
        except subprocess.TimeoutExpired as e:
            raise OfficeError(
                "too-slow", f"{name}: LibreOffice did not convert it within {TIMEOUT} s"
            ) from e
        out = Path(tmp) / "in.docx"
        if proc.returncode != 0 or not out.exists():
            err = (proc.stderr or b"").decode("utf-8", "replace").strip()[-300:]
            raise OfficeError(
                "corrupt-doc", f"{name}: LibreOffice could not convert it ({err or 'no output'})"
            )
        return out.read_bytes()
