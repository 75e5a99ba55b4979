"""The course's interactive side: the book's helpers (:mod:`~teamsim.course.book`), the
workbook's live dashboards (:mod:`~teamsim.course.dashboard`), the exercise checks
(:mod:`~teamsim.course.checks`) and the Part 5 self-assessment
(:mod:`~teamsim.course.assessment`)."""
