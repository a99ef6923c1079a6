"""The real dev server (`tokensmith-devserver`, www/server) for the vendor tests: started on
127.0.0.1 with an ephemeral port (its first stdout line is the URL, docs/devserver.md), with a
TOML configuration of the test's choosing; admin controls (restart, faults); and a transport
that counts requests per path.

`TOKENSMITH_DEVSERVER=<path>` runs a prebuilt server binary instead of building it first."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import urllib.request
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tokensmith import UrllibTransport

REPO = Path(__file__).resolve().parent.parent.parent

TTM_CLIENT_ID = "ttm-client"
TTM_CLIENT_SECRET = "ttm secret: p@ss-CLIENT-SECRET-91d2"
USER = "alice"
USER_PASSWORD = "alice password-USER-PASSWORD-3e7b"
HOST_TENANT = "opshost"

#: Paths of the Technical Token Manager calls.
TTM_TOKEN = "/api/technicaltokenmanager/v3/oauth/token"
TTM_BATCH = "/api/technicaltokenmanager/v3/oauthTokens"
TTM_USER_TENANTS = "/api/technicaltokenmanager/v3/userTenants"
SDX_TOKEN = "/sdx/oauth/token"
KEYCLOAK_TOKEN = "/realms/demo/protocol/openid-connect/token"


def config(tenants: int) -> str:
    """A configuration with one form-basic client, one user, the realm `demo`, and the host
    tenant `opshost` with `tenants` generated user tenants `tenant-001`…"""
    return f"""
realms = ["demo"]

[pat]
database = ":memory:"
prefix = "tsm"

[[clients]]
id = "{TTM_CLIENT_ID}"
secret = "{TTM_CLIENT_SECRET}"
auth = "form-basic"

[[users]]
username = "{USER}"
password = "{USER_PASSWORD}"

[tenants]
host = "{HOST_TENANT}"
users = []
generate = {tenants}
"""


def tenant_names(n: int, start: int = 1) -> list[str]:
    return [f"tenant-{i:03d}" for i in range(start, start + n)]


class DevServer:
    """A `tokensmith-devserver` process; `close()` stops it."""

    def __init__(self, toml: str) -> None:
        binary = os.environ.get("TOKENSMITH_DEVSERVER")
        if binary is None:
            # Built here, so the tests always run the server of this tree.
            subprocess.run(
                ["cargo", "build", "--quiet", "-p", "tokensmith-devserver"], cwd=REPO, check=True
            )
            binary = str(REPO / "target/debug/tokensmith-devserver")
        self._dir = tempfile.TemporaryDirectory(prefix="tokensmith-vendor-")
        path = Path(self._dir.name) / "devserver.toml"
        path.write_text(toml, encoding="utf-8")
        self._proc = subprocess.Popen(
            [
                binary,
                "--port",
                "0",
                "--config",
                str(path),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self._proc.stdout is not None
        self.url = self._proc.stdout.readline().strip()
        if not self.url.startswith("http://127.0.0.1:"):
            self.close()
            raise RuntimeError(f"the dev server did not start: {self.url!r}")

    def _admin(self, method: str, path: str, body: Any = None) -> int:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            status: int = response.status
            return status

    def restart(self) -> None:
        """`POST /admin/restart`: new signing key, every refresh token forgotten."""
        assert self._admin("POST", "/admin/restart") in (200, 204)

    def fault(self, path: str, kind: str, count: int, **extra: Any) -> None:
        """`POST /admin/faults`: the next `count` requests to `path` get the fault `kind`."""
        assert self._admin(
            "POST", "/admin/faults", {"path": path, "kind": kind, "count": count, **extra}
        ) in (200, 201, 204)

    def clear_faults(self) -> None:
        assert self._admin("DELETE", "/admin/faults") in (200, 204)

    def close(self) -> None:
        self._proc.terminate()
        self._proc.wait(timeout=10)
        if self._proc.stdout is not None:
            self._proc.stdout.close()
        self._dir.cleanup()


def serve(toml: str) -> Iterator[DevServer]:
    """The body of a dev-server fixture (`yield from serve(config(n))`): a server started with
    `toml`, closed when the fixture's scope ends."""
    server = DevServer(toml)
    try:
        yield server
    finally:
        server.close()


class CountingTransport:
    """The default transport, counting requests per path (query dropped) and keeping each
    request's body (for assertions on what was sent)."""

    def __init__(self) -> None:
        self._inner = UrllibTransport(timeout=10.0)
        self.counts: Counter[str] = Counter()
        self.bodies: list[bytes] = []

    def __call__(
        self, method: str, url: str, headers: Sequence[tuple[str, str]], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        self.counts[urlsplit(url).path] += 1
        self.bodies.append(body)
        return self._inner(method, url, headers, body)

    def count(self, path: str = "") -> int:
        """Requests whose path ends with `path` (all requests for "")."""
        return sum(n for p, n in self.counts.items() if p.endswith(path))

    def reset(self) -> None:
        self.counts.clear()
        self.bodies.clear()
