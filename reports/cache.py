"""The report figures of a subtree, cached under the subtree's revision token.

Counting from the tally is fast, but a national page still sums some ten thousand tally rows
for its tables. Leaders open the same dashboards over and over between writes, so the figures
are kept in the shared cache (Redis in production) under a key holding the root's revision
token, which every write changes in its own transaction (``registry.tally``). A stale figure
can therefore never be read: the key it sits under is no longer asked for.

Only figures read from the tally are cached (a user who sees the root's whole subtree, a
period on the tally's grain): figures counted live for a partial scope are not.
"""

import functools

from django.core.cache import cache
from django.utils.translation import get_language

from registry.tally import token_of

TIMEOUT = 24 * 3600


def cached(user, root, period, name, compute):
    """Return ``compute()``, cached under the root's token when the figures come from the tally.

    ``name`` must say everything else the value depends on (the function, the page).
    """
    from .queries import Source

    if not Source(user, root, period, period.previous()).tally:
        return compute()
    token = token_of(root)
    if token is None:  # no counts were ever written under this unit
        return compute()
    key = ":".join(
        [
            "figures",
            name,
            str(root.pk),
            token,
            period.kind,
            period.structure,
            period.start.isoformat(),
            period.end.isoformat(),
            get_language() or "",
        ]
    )
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def figures(function):
    """Cache ``function(user, root, period)`` when its figures come from the tally."""

    @functools.wraps(function)
    def wrapper(user, root, period):
        return cached(user, root, period, function.__name__, lambda: function(user, root, period))

    return wrapper
