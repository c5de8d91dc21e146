"""Interoperability with other JOSE implementations, both directions."""
