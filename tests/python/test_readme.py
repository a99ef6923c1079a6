"""The Python quick-start in README.md runs and prints what its comments say."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent.parent / "README.md"


def test_readme_python_snippet_runs() -> None:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 1
    result = subprocess.run(
        [sys.executable, "-c", blocks[0]], capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines() == [
        "Basic bXklM0FjbGllbnQ6cCU0MHNzK3clMkJyZCUyNSUyRiVDMyVBOQ==",
        "colon_in_client_id",
    ]
