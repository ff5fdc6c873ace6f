"""``python -m tinygrad_mlp``: the same as the ``tinygrad-mlp`` command."""

import sys

from tinygrad_mlp.cli import main

sys.exit(main())
