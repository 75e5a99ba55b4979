"""The instructor's side: grading a folder of submissions (:mod:`~teamsim.instructor.grading`)
and the capstone's class debrief (:mod:`~teamsim.instructor.debrief`)."""
