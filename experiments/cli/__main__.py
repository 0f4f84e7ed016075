"""``python -m experiments.cli``: the ``uptake`` command line."""

import sys

from experiments.cli import main

sys.exit(main())
