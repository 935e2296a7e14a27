"""Domain rules in plain Python: no Flask, no SQLAlchemy, nothing outside the stdlib."""
