"""Errors a person can act on, printed by the command line as one paragraph."""


class UserError(Exception):
    """A problem the person running the command can fix (a path, a quarter, a missing run)."""
