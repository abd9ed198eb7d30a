"""The report figures of a subtree, cached under the subtree's revision token.

Counting from the tally is fast, but a national page still sums some ten thousand tally rows
for its tables. Leaders open the same dashboards over and over between writes, so the figures
are kept in the shared cache (Redis in production) under a key holding the root's revision
token, which every write changes in its own transaction (``reports.tally``). A stale figure
can therefore never be read: the key it sits under is no longer asked for.

Only figures read from the tally are cached (a user who sees the root's whole subtree, a
period on the tally's grain): figures counted live for a partial scope are not.
"""

import functools
import uuid

from django.core.cache import cache
from django.utils.translation import get_language

from .models import Revision

TIMEOUT = 24 * 3600


def new_token():
    return uuid.uuid4().hex


def token_of(root):
    """Return the root unit's revision token, or None when it has none. One query a request.

    Read once per request: kept on the root unit instance the request loaded.
    """
    if "_revision_token" not in root.__dict__:
        root.__dict__["_revision_token"] = (
            Revision.objects.filter(unit_id=root.pk).values_list("token", flat=True).first()
        )
    return root.__dict__["_revision_token"]


def renew(unit_ids):
    """Give the units new tokens (inside the write's transaction). Two queries."""
    unit_ids = set(unit_ids)
    if not unit_ids:
        return
    token = new_token()
    Revision.objects.filter(unit_id__in=unit_ids).update(token=token)
    Revision.objects.bulk_create(
        [Revision(unit_id=unit_id, token=token) for unit_id in unit_ids], ignore_conflicts=True
    )


def renew_all():
    """Give every unit that has counts a new token (after the tally is rebuilt)."""
    from .models import Tally

    token = new_token()
    Revision.objects.all().delete()
    Revision.objects.bulk_create(
        (
            Revision(unit_id=unit_id, token=token)
            for unit_id in Tally.objects.values_list("unit_id", flat=True).distinct()
        ),
        batch_size=5000,
    )


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
