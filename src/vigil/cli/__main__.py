"""``python -m vigil.cli``: the same as the ``vigil`` command."""

from vigil.cli import main

main()
