"""Create (once) the virtualenv that holds the *official* Aerospike Python client.

The official client is imported as ``aerospike`` too, so it cannot live beside ours: it
gets its own virtualenv, ``.venv-official`` at the repository root. The conformance suite
(tests/conformance/) and the side-by-side benchmarks run it in a subprocess.

Usage:
    python scripts/official_venv.py          # create if needed, print the venv's python
    from official_venv import ensure_official_python   # -> Path of that python

Idempotent and fast when the venv is already there: a marker file records the pinned
version and the check is one ``stat``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

OFFICIAL_VERSION = "19.3.0"
REQUIREMENT = f"aerospike=={OFFICIAL_VERSION}"
REPO_ROOT = Path(__file__).resolve().parents[1]
VENV_DIR = REPO_ROOT / ".venv-official"
_MARKER = ".aerospike-official-ok"
# The official module has no __version__: ask the installed distribution, and import it.
_CHECK = (
    "import sys, importlib.metadata as m, aerospike, aerospike_helpers; "
    "sys.stdout.write(m.version('aerospike'))"
)


class OfficialVenvError(RuntimeError):
    """The venv could not be created or the official client could not be installed."""


def _venv_python(venv_dir: Path) -> Path:
    if os.name == "nt":
        return venv_dir / "Scripts" / "python.exe"
    return venv_dir / "bin" / "python"


def _marker_ok(venv_dir: Path) -> bool:
    marker = venv_dir / _MARKER
    try:
        return marker.read_text().strip() == REQUIREMENT and _venv_python(venv_dir).exists()
    except OSError:
        return False


def ensure_official_python(venv_dir: Path = VENV_DIR, *, quiet: bool = True) -> Path:
    """Return the python of a venv that has ``aerospike==19.3.0`` installed.

    Creates the venv and installs the client from PyPI on first use. Raises
    ``OfficialVenvError`` (with pip's output) when that fails, e.g. without network.
    """
    venv_dir = Path(venv_dir)
    python = _venv_python(venv_dir)
    if _marker_ok(venv_dir):
        return python
    if not python.exists():
        venv.EnvBuilder(with_pip=True, clear=venv_dir.exists()).create(venv_dir)
    cmd = [
        str(python),
        "-m",
        "pip",
        "install",
        "--disable-pip-version-check",
        "--no-input",
        REQUIREMENT,
    ]
    if quiet:
        cmd.insert(4, "--quiet")
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900, check=False)
    if proc.returncode != 0:
        raise OfficialVenvError(
            f"pip install {REQUIREMENT} failed ({proc.returncode}):\n"
            f"{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
        )
    check = subprocess.run(
        [str(python), "-c", _CHECK],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if check.returncode != 0 or check.stdout.strip() != OFFICIAL_VERSION:
        raise OfficialVenvError(
            f"official client import check failed: {check.stdout!r} {check.stderr[-2000:]!r}"
        )
    (venv_dir / _MARKER).write_text(REQUIREMENT + "\n")
    return python


def main() -> int:
    try:
        python = ensure_official_python(quiet=False)
    except OfficialVenvError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(python)
    return 0


if __name__ == "__main__":
    sys.exit(main())
