"""Answer keys, one module per assignment, each with a module-level `KEY`."""
