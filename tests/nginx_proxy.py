"""nginx in a subprocess, balancing loopback servers: for tests/test_replicas.py
and bench/replicas.py.  Its configuration is the upstream of docs/deploy.md,
on a free local port, with every file nginx writes in a temporary folder.

    with nginx(["http://127.0.0.1:8001", "http://127.0.0.1:8002"]) as base_url:
        ...  # base_url answers through either server; X-Upstream names the one that did
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

from gunicorn_server import free_port, wait_for_answer

#: Where Debian's package puts it; else the PATH's.
NGINX = "/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else shutil.which("nginx")

CONFIG = """
worker_processes 1;
{user}
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    upstream zhsearch {{
{servers}
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://zhsearch;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_next_upstream error timeout http_502 http_503;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


@contextmanager
def nginx(upstreams: list[str], timeout: float = 15.0):
    """Serve ``upstreams`` (``http://HOST:PORT`` each) behind nginx; yields its base URL."""
    if NGINX is None:
        raise RuntimeError("nginx is not installed")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="zhsearch-nginx-") as folder:
        servers = "\n".join(f"        server {url.removeprefix('http://')} max_fails=1 fail_timeout=10s;"
                            for url in upstreams)
        user = "user root;" if os.geteuid() == 0 else ""  # else its workers could not write the temporary folder
        config = Path(folder) / "nginx.conf"
        config.write_text(CONFIG.format(user=user, folder=folder, servers=servers, port=port), encoding="utf-8")
        process = subprocess.Popen([NGINX, "-c", str(config), "-p", folder, "-g", "daemon off;"],
                                   stderr=subprocess.PIPE, text=True)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for_answer(process, base + "/healthz", timeout, "nginx", process.stderr.read)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=15)

