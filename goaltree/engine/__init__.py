"""The engine: propagate targets, roll up actuals, pace, status and attribution.

The engine is a library first: it imports nothing from the command line,
rendering or reporting. :func:`evaluate` is the entry point.
"""

from goaltree.engine.evaluate import evaluate

__all__ = ["evaluate"]
