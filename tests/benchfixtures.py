"""The pandas baseline of `bench/`, loaded for tests that compare with it.

`bench/` is not a package (it is run as scripts), so the module is loaded from
its file; one loader serves every test that needs it.
"""

import importlib.util
from pathlib import Path

BASELINE = Path(__file__).resolve().parents[1] / "bench" / "pandas_baseline.py"


def load_pandas_baseline():
    """``bench/pandas_baseline.py`` as a module."""
    spec = importlib.util.spec_from_file_location("pandas_baseline", BASELINE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
