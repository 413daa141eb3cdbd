"""Grading: a submission graded id by id, diagnosed, with error carried forward, under a rubric."""
