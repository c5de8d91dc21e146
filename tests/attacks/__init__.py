"""Adversarial regression tests: one module per known attack class on JOSE implementations."""
