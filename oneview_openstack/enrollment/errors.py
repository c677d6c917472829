"""The one error enrollment raises for bad input or an unusable template."""

from __future__ import annotations


class EnrollmentError(Exception):
    """Something the operator must fix; the message names what, the value and what is allowed."""
