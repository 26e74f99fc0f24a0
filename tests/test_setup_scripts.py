"""The set-up scripts wait for a package lock another program holds (an unattended upgrade)
instead of failing at once, and say why they wait."""

import re
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"


def _shell_scripts() -> list[Path]:
    return [p for p in sorted(SCRIPTS.iterdir())
            if p.is_file() and p.read_text(errors="replace").startswith("#!/usr/bin/env bash")]


def test_every_apt_get_call_of_the_scripts_waits_for_the_lock():
    calls = []
    for script in _shell_scripts():
        lines = script.read_text().splitlines()
        for number, line in enumerate(lines, 1):
            code = line.split("#", 1)[0] if not line.lstrip().startswith("#") else ""
            if re.search(r"\bapt-get\b", code) and "command -v apt-get" not in code:
                calls.append((script.name, number, code.strip()))
    assert calls, "no apt-get call found: the test no longer reads the scripts"
    bare = [c for c in calls if "-o DPkg::Lock::Timeout=" not in c[2]]
    assert not bare, f"apt-get without DPkg::Lock::Timeout: {bare}"
    # Everything else goes through apt_get, which waits with a message.
    setup = (SCRIPTS / "setup.sh").read_text()
    assert re.findall(r"^\s*apt_get (update|install)", setup, re.M) == ["update", "install",
                                                                         "update"]
    assert not re.search(r"as_root apt-get", setup)


def test_apt_get_waits_for_a_held_lock_and_says_what_holds_it(tmp_path):
    """A program holding a lock file open (here ``sleep``, standing in for an unattended
    upgrade): apt_get names it, waits until it lets go, then runs apt-get with apt's own
    lock timeout."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "apt-get"
    fake.write_text(f'#!/bin/sh\necho "$(date +%s.%N) $*" >> {tmp_path}/calls\n')
    fake.chmod(0o755)
    lock = tmp_path / "lock-frontend"
    lock.touch()
    script = f"""
        set -euo pipefail
        log() {{ printf '==> %s\\n' "$*" >&2; }}
        as_root() {{ "$@"; }}
        export APT_LOCK_FILES="{lock}" APT_LOCK_TIMEOUT=30 PATH="{bin_dir}:$PATH"
        source "{SCRIPTS / 'apt.sh'}"
        sleep 3 9>>"{lock}" &
        sleep 0.3
        apt_get install -y -qq pango
    """
    started = time.time()
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Waiting for the package lock: sleep (process " in done.stderr
    assert "The package lock is free" in done.stderr
    when, args = (tmp_path / "calls").read_text().strip().split(" ", 1)
    assert args == "-o DPkg::Lock::Timeout=30 install -y -qq pango"
    assert float(when) - started >= 2.5  # after the holder let go, not at once


def test_apt_get_runs_at_once_when_no_one_holds_the_lock(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "apt-get").write_text(f'#!/bin/sh\necho "$*" >> {tmp_path}/calls\n')
    (bin_dir / "apt-get").chmod(0o755)
    script = f"""
        log() {{ printf '==> %s\\n' "$*" >&2; }}
        as_root() {{ "$@"; }}
        export APT_LOCK_FILES="{tmp_path / 'free-lock'}" PATH="{bin_dir}:$PATH"
        source "{SCRIPTS / 'apt.sh'}"
        apt_get update -qq
    """
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "Waiting" not in done.stderr, done.stderr
    assert (tmp_path / "calls").read_text() == "-o DPkg::Lock::Timeout=600 update -qq\n"
