"""``python -m bench [orm|modules|http|unity|web|sales|load]``: run a workload and print its
measurements as JSON."""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import sys
from datetime import UTC, datetime

WORKLOADS = ("orm", "modules", "http", "unity", "web", "sales", "load")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("workload", nargs="?", default="orm", choices=WORKLOADS)
    args = parser.parse_args(argv)
    # Imported lazily: a workload's imports (and its cost) stay out of the others' runs.
    module = importlib.import_module(f"bench.{args.workload}")
    results = module.run()
    document = {"workload": args.workload, "at": datetime.now(UTC).isoformat(),
                "python": platform.python_version(), "results": results}
    json.dump(document, sys.stdout, indent=2, default=str)
    sys.stdout.write("\n")
    return 0 if all(results.get("bars", {}).values()) else 1


if __name__ == "__main__":
    sys.exit(main())
