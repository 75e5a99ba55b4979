"""``python -m teamsim.bench [section ...]``: print the speed figures (``make bench``)."""

import sys

from teamsim.bench import main

sys.exit(main(sys.argv))
