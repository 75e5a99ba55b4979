"""Measurements on the model: the behaviours the course relies on, and the measures the book,
the workbook and the instructor tools share (:mod:`teamsim.analysis.measures`)."""
