"""The one ``environ.Env`` object every settings module reads the environment through, and
the project's folders. A ``.env`` file at the project root fills in what the environment
does not set."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
