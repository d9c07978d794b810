"""Lovspor: follow Danish social law as it changes."""

__version__ = "0.1.0"
