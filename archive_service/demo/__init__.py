"""Demo data: units, one user per role, and a few records with real files."""
