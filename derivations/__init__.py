"""The reference closed forms, one package per assignment, each declared in its `assignment.py`.

A package's `__init__.py` exports one plain numpy function per derivation id,
written exactly as a submission is (it imports nothing but numpy), so that
grading the package itself gives full marks.
"""
