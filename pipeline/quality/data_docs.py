"""Build the marts' Data Docs with Great Expectations, in the background.

`python -m pipeline.quality.data_docs REQUEST_FOLDER DATA_DOCS_DIR` is started by the
`marts_meet_expectations` check (`expectations.request_data_docs`) so that importing
and running GX (seconds) is not on the run's critical path. It validates the batches
the check wrote to REQUEST_FOLDER, puts the new site in place at DATA_DOCS_DIR unless a
newer run's site is already there, and removes REQUEST_FOLDER.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from pipeline.quality.expectations import build_requested_data_docs


def main(argv: list[str]) -> int:
    request, data_docs_dir = Path(argv[0]), Path(argv[1])
    try:
        build_requested_data_docs(request, data_docs_dir)
    finally:
        shutil.rmtree(request, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
