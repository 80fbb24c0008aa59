"""``python -m goaltree``.

``python -m`` puts the working folder first on ``sys.path``. goaltree runs in
checkouts of other people's pull requests: a ``yaml_rs.py`` or a plugin's
``*.dist-info`` there must not be imported in place of the installed ones,
so the folder comes off the path before anything else is imported
(``python -P`` does the same). goaltree's own modules are found through the
package already imported.
"""

import os
import sys

if not sys.flags.safe_path and sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from goaltree.cli import run  # noqa: E402 (after the path is made safe)

run()
