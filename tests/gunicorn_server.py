"""The app served by gunicorn (``web.gunicorn_conf``) in a subprocess, on a free
local port: for the browser tests and for bench/web_latency.py (and so bench/load.py).

    with gunicorn(index_dir, workers=2, log_level="warning") as (base_url, pid):
        ...  # base_url answers; pid is gunicorn's master process
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(index_dir, *, workers: int = 1, timeout: float = 30.0, **settings):
    """Serve the app over ``index_dir``; yields (base URL, master pid) once
    ``/healthz`` answers 200, within ``timeout`` seconds.

    ``settings`` are more ZHSEARCH_* settings by lower-case name (``log_level="warning"``).
    """
    env = {**os.environ, **{f"ZHSEARCH_{name.upper()}": str(value) for name, value in settings.items()}}
    port = free_port()
    env.update(ZHSEARCH_INDEX_DIR=str(index_dir), ZHSEARCH_BIND=f"127.0.0.1:{port}", ZHSEARCH_WORKERS=str(workers))
    command = [sys.executable, "-m", "gunicorn", "-c", "python:web.gunicorn_conf", "web:create_app()"]
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:  # a file, not a pipe: it never fills up
        process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=log, text=True)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for_answer(process, base + "/healthz", timeout, "gunicorn", lambda: log.seek(0) or log.read())
            yield base, process.pid
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for_answer(process: subprocess.Popen, url: str, timeout: float, name: str, output) -> None:
    """Poll ``url`` until it answers 200; fail with the end of ``output()``
    (the process's log) if the process ``name`` died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with status {process.returncode}:\n{output()[-4000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{name} did not answer {url} within {timeout:.0f} s")
