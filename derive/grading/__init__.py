"""Grading: answer keys, submissions, and checking every final answer and every step.

The pipeline, one module each: `key.py` (what a key says), `structured.py` (answer files),
`documents.py` (splitting a Markdown/LaTeX solution into questions and steps, with
`math_text.py` finding its mathematics, `markers.py` its question markers and
`final_answers.py` each question's final answer), `steps.py`
(reading and deciding each step), `answers.py` (comparing final answers with the key's),
`numbers.py` (decimals at the precision written, lists of numbers), `check.py` (a whole
submission, scored), `results.py` (what grading found), and `batch.py` (grading a class).
"""
