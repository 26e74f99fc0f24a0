"""A real OpenID Connect provider for tests and the production smoke: panva's oidc-provider
(package.json) run by scripts/oidc_test_provider.mjs on a free port of this machine.

Nothing of the protocol is mocked: the app's client (Authlib) fetches the provider's
discovery document and keys, sends the browser to its authorization endpoint, and redeems the
code at its token endpoint with a private_key_jwt assertion and the PKCE verifier, exactly as
it would with login.gov. Only the person's sign-in at the provider is scripted
(``sign_in``), with the standard library, so the smoke needs nothing more.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "oidc_test_provider.mjs"
CLIENT_ID = "cpc-oversight-test"


def client_key_pem() -> str:
    """A new RSA private key for the client's private_key_jwt, as OIDC_PRIVATE_KEY holds it."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def public_jwk(pem: str) -> dict:
    """The public half of the client's key, with the kid the app's assertions carry."""
    from accounts.oidc import signing_key

    key, alg = signing_key(pem)
    return {**key.as_dict(private=False), "alg": alg, "use": "sig"}


class OIDCProvider:
    """``OIDCProvider(redirect_uris, accounts, client_pem).start()``; ``.issuer`` once it
    listens; ``.stop()``. ``accounts`` maps a subject to its claims (email, email_verified)."""

    def __init__(self, *, redirect_uris: list[str], accounts: dict[str, dict],
                 client_pem: str, client_id: str = CLIENT_ID):
        self.client_id, self.client_pem = client_id, client_pem
        self.folder = Path(tempfile.mkdtemp(prefix="cpc-oidc-"))
        self.config_path = self.folder / "config.json"
        self.config_path.write_text(json.dumps({
            "port": 0,
            "client": {"client_id": client_id, "redirect_uris": redirect_uris,
                       "jwks": {"keys": [public_jwk(client_pem)]}},
            "accounts": accounts,
        }))
        self.log_path = self.folder / "provider.log"
        self.process = None
        self.issuer = ""

    def start(self, timeout: float = 30) -> OIDCProvider:
        node = shutil.which("node")
        if not node:
            raise RuntimeError("Node.js is needed for the OpenID Connect test provider "
                               "(scripts/setup.sh installs it with the test tools)")
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen([node, str(SCRIPT), str(self.config_path)],
                                        cwd=ROOT, stdout=subprocess.PIPE, stderr=self.log,
                                        text=True, env={**os.environ, "NODE_ENV": "test"})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if line.startswith("listening "):
                self.issuer = line.split()[1]
                return self
            if not line and self.process.poll() is not None:
                break
        self.stop()
        raise RuntimeError(f"the OpenID Connect provider did not start:\n{self.read_log()}")

    def read_log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.process and self.process.stdout:
            self.process.stdout.close()
        if getattr(self, "log", None):
            self.log.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def environ(self, name: str = "Test IdP") -> dict[str, str]:
        """What a deployment sets to sign in through this provider."""
        return {"OIDC_ISSUER": self.issuer, "OIDC_CLIENT_ID": self.client_id,
                "OIDC_PRIVATE_KEY": self.client_pem, "OIDC_PROVIDER_NAME": name}

    def requests(self) -> list[dict]:
        """What the provider's authorization and token endpoints received, in order."""
        with urllib.request.urlopen(f"{self.issuer}/_test/requests", timeout=10) as answer:
            return json.load(answer)

    def token_request(self, fields: dict) -> tuple[int, dict]:
        """A token request straight to the provider (not through the app)."""
        with urllib.request.urlopen(f"{self.issuer}/.well-known/openid-configuration",
                                    timeout=10) as answer:
            token_endpoint = json.load(answer)["token_endpoint"]
        request = urllib.request.Request(token_endpoint,
                                         data=urllib.parse.urlencode(fields).encode())
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, json.load(answer)
        except urllib.error.HTTPError as error:
            return error.code, json.load(error)

    def sign_in(self, authorize_url: str, subject: str, *, amr: str = "",
                acr: str = "") -> str:
        """Plays the person at the provider: opens the authorization URL the app redirected
        to, signs in as ``subject`` and consents. Returns the URL the provider sends the
        browser back to (the app's callback, with ``code`` and ``state``), not followed."""
        jar = http.cookiejar.CookieJar()

        class Stop(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, req, fp, code, msg, headers, newurl):
                # The authorization response (a code, or an error) goes to the client.
                query = urllib.parse.parse_qs(urllib.parse.urlsplit(newurl).query)
                if "code" in query or "error" in query:
                    raise _Arrived(newurl)
                return super().redirect_request(req, fp, code, msg, headers, newurl)

        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), Stop)
        try:
            with opener.open(authorize_url, timeout=10) as page:
                html, interaction = page.read().decode(), page.url
            action = re.search(r'action="([^"]+)"', html)
            if not action:
                raise RuntimeError(f"no sign-in form at {interaction}: {html[:300]}")
            fields = urllib.parse.urlencode({"login": subject, "amr": amr, "acr": acr})
            with opener.open(urllib.parse.urljoin(interaction, action.group(1)),
                             data=fields.encode(), timeout=10) as page:
                raise RuntimeError(f"the provider did not send the browser back: {page.url} "
                                   f"{page.read()[:300]!r}")
        except _Arrived as arrived:
            return arrived.url


class _Arrived(Exception):  # not an error: the provider's redirect to the app
    def __init__(self, url: str):
        super().__init__(url)
        self.url = url
