"""``python -m tokensmith``: the command-line interface (see ``tokensmith._cli``)."""

import sys

from tokensmith._cli import main

sys.exit(main())
