"""Use cases: the only code that writes. One call is one transaction."""
