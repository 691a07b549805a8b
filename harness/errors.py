"""The one error type users see: bad configuration, bad input, missing credentials.

The CLI prints it as one sentence, without a traceback, and exits non-zero.
"""


class UserError(Exception):
    """A problem the user can fix; the message names the value and the fix."""
