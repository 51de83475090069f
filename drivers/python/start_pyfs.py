"""Entry point of the pyfs launcher.

Python compiles the script it runs on every start, but keeps the compiled
bytecode of the modules it imports in __pycache__. This script stays small and
imports pyfs, which saves compiling pyfs.py (about 7 ms) on each start, unless
the directory is read-only. In isolated mode Python leaves the script's
directory off the module search path, so the script puts it first.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))

import pyfs  # noqa: E402, the module search path must contain this directory first

sys.exit(pyfs.main())
