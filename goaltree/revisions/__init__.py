"""Goal files over time, in git: the semantic diff of two revisions, a target's history, and rollover
of a goal file into the next period.

:mod:`goaltree.revisions.git` talks to git; :mod:`~goaltree.revisions.diff`,
:mod:`~goaltree.revisions.history` and :mod:`~goaltree.revisions.rollover` are
library code that the ``diff``, ``history`` and ``rollover`` commands print.
"""
