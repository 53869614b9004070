"""The client's pure logic (domains, modifiers, list/pivot/graph computations, kanban
templates) has unit tests in tests/web/js, run by Node's built-in test runner."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

JS_TESTS = Path(__file__).resolve().parent / "js"


def test_javascript_unit_tests_pass():
    node = shutil.which("node") or shutil.which("nodejs")
    assert node, "Node.js is needed to run the client's unit tests (.ci/run installs it)"
    files = sorted(str(path) for path in JS_TESTS.glob("*.test.mjs"))
    assert files, "no JavaScript unit test found"
    result = subprocess.run([node, "--test", *files], capture_output=True, text=True,
                            timeout=300)
    summary = [line for line in result.stdout.splitlines() if line.startswith("# ")]
    print("\n".join(summary))
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert any(line.startswith("# pass ") and line != "# pass 0" for line in summary)
