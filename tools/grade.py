"""Grade a folder of submitted workbook notebooks into a grades CSV, locally and without Docker.

    make grade SUBMISSIONS=path/to/folder
    python tools/grade.py path/to/folder [--assignment 06_capstone] [--out DIR] [--jobs 2]
    python tools/grade.py folder --part 2/3   # the 2nd of 3 slices, on a 2nd machine
    python tools/grade.py --combine part1 part2 part3 --out class-grades [--roster class.csv]
    python tools/grade.py --benchmark 300     # time 300 capstone submissions (make bench-grade)

Everything is in :mod:`teamsim.instructor.grading`; its docstring says how a submission is
run and why.
"""

import sys

from teamsim.instructor.grading import main

if __name__ == "__main__":
    sys.exit(main())
