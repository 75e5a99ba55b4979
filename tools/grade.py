"""Grade a folder of submitted workbook notebooks into a grades CSV, locally and without Docker.

    make grade SUBMISSIONS=path/to/folder
    python tools/grade.py path/to/folder [--assignment 06_capstone] [--out DIR] [--jobs 2]
    python tools/grade.py --benchmark 60      # time sixty capstone submissions

Everything is in :mod:`teamsim.instructor.grading`; its docstring says how a submission is
run and why.
"""

import sys

from teamsim.instructor.grading import main

if __name__ == "__main__":
    sys.exit(main())
