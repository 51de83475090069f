"""Entry point of the pyfs launcher.

Python compiles the script it runs on every start, but keeps the compiled
bytecode of the modules it imports in __pycache__. This script stays small and
imports pyfs, which saves compiling pyfs.py (about 7 ms) on each start, unless
PYTHONDONTWRITEBYTECODE is set or the directory is read-only.
"""

import sys

import pyfs

sys.exit(pyfs.main())
