"""Running the command line for real in the tests: `python -m riskcore …` as a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def encours(*args: object, stdin: str = "", lang: str = "en", timeout: int = 600) -> subprocess.CompletedProcess:
    """Run `python -m riskcore ARGS` without a terminal (a new session), `stdin` as its input."""
    env = {**os.environ, "ENCOURS_LANG": lang}
    env.pop("ENCOURS_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "riskcore", *map(str, args)],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        start_new_session=True,  # no controlling terminal: getpass cannot open /dev/tty
    )
