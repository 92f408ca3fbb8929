"""Errors that end a command with a one-line reason.

``InputError`` (exit 2) is for anything the user can fix: a bad argument, a file outside the
repository, a broken rule or policy file. ``PolicyFailure`` (exit 1) is a verdict, not a mistake.
"""


class TracemarkError(Exception):
    """Base: ``str(err)`` is the one-line reason shown to the user."""

    exit_code = 2


class InputError(TracemarkError):
    exit_code = 2


class PolicyFailure(TracemarkError):
    exit_code = 1
