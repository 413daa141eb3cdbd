"""Grades for people and for other tools: terminal tables, JSON, CSV, Gradescope results, and how they are written."""
