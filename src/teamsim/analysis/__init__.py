"""Measurements on the model: the course's headline lessons (:mod:`~teamsim.analysis.lessons`),
how robust they are (:mod:`~teamsim.analysis.robustness`), the model beside the published
figures (:mod:`~teamsim.analysis.calibration`), the revenue map's smoothness
(:mod:`~teamsim.analysis.surface`), and the measures the book, the workbook and the instructor
tools share (:mod:`~teamsim.analysis.measures`)."""
