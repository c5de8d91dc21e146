"""Mutation testing of jotkit's security checks (``make mutate``); see ``mutants.py``."""
