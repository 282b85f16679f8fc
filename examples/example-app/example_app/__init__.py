"""The lockstep demo application."""

__version__ = "1.1.0"
