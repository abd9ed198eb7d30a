"""Background work speaks the language of the person who asked for it.

A task runs in the worker, where no request sets a language: a workbook's sheets, an import's
messages, a plan's errors would all come out in the site's language (Vietnamese) for a user
who reads English. ``enqueue`` passes the asking request's language with the task, and
``speaks`` runs the task, and what marks it failed, in that language.
"""

import functools

from django.conf import settings
from django.utils import translation


def speaks(function):
    """Run ``function`` in the language it is given as ``language=`` (else the site's)."""

    @functools.wraps(function)
    def run(*args, language: str = "", **kwargs):
        with translation.override(language or settings.LANGUAGE_CODE):
            return function(*args, **kwargs)

    return run


def enqueue(task, *args):
    """Queue ``task`` with ``args``, to run in the language active now."""
    return task.enqueue(*args, language=translation.get_language() or "")
