"""Errors that reach the user.

A :class:`UserError` is bad input or a condition the user can fix: the command
line prints its one-line message and exits with code 2, and nothing in the
library has been changed by the failed operation.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix, described in one line.

    Parameters
    ----------
    problem
        What is wrong, naming the thing (file, voice, segment) concerned.
    fix
        What to do about it; appended after the problem.
    code
        Why, as a stable word a front end can word in its own language
        ("paused", "locked", "not_rendered", ...); empty where only the
        sentence is given.
    """

    exit_code = 2

    def __init__(self, problem: str, fix: str = "", *, code: str = "") -> None:
        self.problem = problem
        self.fix = fix
        self.code = code
        super().__init__(f"{problem}: {fix}" if fix else problem)
