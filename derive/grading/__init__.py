"""Grading: answer keys, submissions, and checking every final answer and every step.

The pipeline, one module each: `key.py` (what a key says), `submission.py` (reading
structured answer files), `documents.py` (splitting a Markdown/LaTeX solution into
questions and steps), `check.py` (deciding steps and final answers with the engine),
`results.py` (what grading found), and `batch.py` (grading a class).
"""
