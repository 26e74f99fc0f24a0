"""The Compose proxy's routing (deploy/nginx.conf), run by a real nginx in front of two
stand-in pools: requests without a sign-in go to the public pool, signed-in requests to the
web replicas, and the web replicas take the public pool's requests when it is down."""

import http.client
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings

from tests.ports import free_port

CONFIG = Path(__file__).resolve().parent.parent / "deploy" / "nginx.conf"


class Pool:
    """An HTTP server that answers every request with its name."""

    def __init__(self, name: str):
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                body = name.encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def start_nginx(nginx, folder: Path, web_port: int, public_port: int):
    """nginx with deploy/nginx.conf, the pools' names replaced by the stand-ins' addresses,
    on a free port: (the process, the port), or (None, None) if it could not listen."""
    port = free_port()
    site = (CONFIG.read_text()
            .replace("web-public:8000", f"127.0.0.1:{public_port}")
            .replace("web:8000", f"127.0.0.1:{web_port}")
            .replace("listen 8000;", f"listen 127.0.0.1:{port};"))
    temp = "\n".join(f"    {kind}_temp_path {folder / kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (folder / "nginx.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"daemon off;\nworker_processes 1;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'};\nevents {{}}\n"
        f"http {{\n    access_log off;\n{temp}\n{site}\n}}\n")
    process = subprocess.Popen(
        [str(nginx), "-p", str(folder), "-c", str(folder / "nginx.conf"),
         "-e", str(folder / "error.log")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            if "Address already in use" in (folder / "error.log").read_text():
                return None, None
            pytest.fail(f"nginx exited:\n{(folder / 'error.log').read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, port
        except OSError:
            time.sleep(0.05)
    process.kill()
    pytest.fail(f"nginx did not listen within 10 s:\n{(folder / 'error.log').read_text()}")


@pytest.fixture
def proxy(tmp_path):
    # scripts/setup.sh unpacks Debian's nginx into the virtualenv.
    nginx = Path(sys.prefix) / "nginx" / "usr" / "sbin" / "nginx"
    if not nginx.exists():
        nginx = shutil.which("nginx") or Path("/usr/sbin/nginx")
    if not Path(nginx).exists():
        pytest.fail("nginx is missing: scripts/test unpacks Debian's nginx into .venv/nginx.")
    web, public = Pool("web"), Pool("public")
    # A free port can be taken between choosing it and nginx binding it: then another.
    for _attempt in range(3):
        process, port = start_nginx(nginx, tmp_path, web.port, public.port)
        if process:
            break
    else:
        pytest.fail(f"nginx did not start:\n{(tmp_path / 'error.log').read_text()}")
    yield port, public
    process.terminate()
    process.wait(timeout=10)
    web.stop()
    public.stop()


def pool_of(port: int, headers: dict | None = None) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/accounts/login/", headers=headers or {})
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    assert response.status == 200, body
    return body


def test_requests_without_a_sign_in_have_a_pool_of_their_own(proxy):
    port, public = proxy
    session = settings.SESSION_COOKIE_NAME
    assert pool_of(port) == "public"
    # The CSRF cookie alone is no sign-in (the sign-in form sets it).
    assert pool_of(port, {"Cookie": "csrftoken=abc"}) == "public"
    assert pool_of(port, {"Cookie": f"csrftoken=abc; {session}=xyz"}) == "web"
    assert pool_of(port, {"Authorization": "Token 0123"}) == "web"
    # The public pool down: the web replicas answer instead.
    public.stop()
    assert pool_of(port) == "web"
    assert pool_of(port, {"Cookie": f"{session}=xyz"}) == "web"


def test_the_proxy_reads_the_apps_session_cookie():
    """A renamed session cookie would send every signed-in request to the public pool."""
    assert f"$cookie_{settings.SESSION_COOKIE_NAME}" in CONFIG.read_text()
