"""The Python quick-start in README.md runs against the local token server and prints what its
comments say."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent.parent
README = REPO / "README.md"


@pytest.fixture(scope="module")
def devserver_url() -> Iterator[str]:
    """The real dev server (`tokensmith-devserver`, demo configuration) on an ephemeral port."""
    subprocess.run(
        ["cargo", "build", "--quiet", "-p", "tokensmith-devserver"], cwd=REPO, check=True
    )
    proc = subprocess.Popen(
        [str(REPO / "target/debug/tokensmith-devserver"), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), url
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_readme_python_snippet_runs(devserver_url: str) -> None:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 1
    result = subprocess.run(
        [sys.executable, "-c", blocks[0]],
        capture_output=True,
        text=True,
        check=True,
        env={"TOKENSMITH_URL": devserver_url, "PATH": "/usr/bin:/bin"},
    )
    assert result.stdout.splitlines() == [
        "Bearer ('ingr.api',) True",
        "True",
        "False",
        "invalid_client 401",
        "Basic bXklM0FjbGllbnQ6cCU0MHNzK3clMkJyZCUyNSUyRiVDMyVBOQ==",
        "12",
    ]
    assert "demo-secret" not in result.stderr
