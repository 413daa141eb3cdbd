"""`gradjudge kit`: what a course's students install to check their work, without the course's answers.

A course declares its assignment in a package of its own. The kit is a wheel of
that package holding exactly what the declaration imports (its model,
vocabulary, shapes, template, notation, diagnosis variants and default rubric),
registered under the assignment's name, and none of what is staff's alone:

- the reference closed forms (the module `Assignment.reference` names), which
  are the answers;
- the catalog of known wrong formulas: a wrong formula is most often one step
  from the answer (a term dropped, a transpose, a factor) and its hint points at
  that step, so no entry is safe to ship. A student's local diagnosis comes from
  the declared model and its variants instead, which say what a wrong answer
  computed in the model's own terms and never print the right formula;
- secrets: no file named, or TOML key called, like a secret or a key.

Building it checks the wheel itself (`scan`): no file of the reference, no
compiled file at all, no reference function's source, bytecode, docstring
formula or returned expression, no catalog entry's source or hint, no secret;
then it installs the wheel in a scratch folder and loads the assignment from it
in a separate process, where the reference must not be importable (`probe`).
Any finding refuses the kit, and nothing is written.
"""
from checks.kit.build import Kit, build_kit
from checks.kit.errors import KitRefused

__all__ = ["Kit", "KitRefused", "build_kit"]
