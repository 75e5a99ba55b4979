"""``python -m teamsim.data [folder]``: regenerate the course's data files."""

import sys

from teamsim.data import main

sys.exit(main(sys.argv))
