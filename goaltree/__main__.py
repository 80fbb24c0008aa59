"""``python -m goaltree``."""

from goaltree.cli import run

run()
