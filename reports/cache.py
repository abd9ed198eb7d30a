"""The report figures of a subtree, cached under the subtree's revision token.

Counting from the tally is fast, but a national page still sums some ten thousand tally rows
for its tables. Leaders open the same dashboards over and over between writes, so the figures
are kept in the shared cache (Redis in production) under a key holding the root's revision
token, which every write changes in its own transaction (``registry.tally``). A stale figure
can therefore never be read: the key it sits under is no longer asked for.

Only figures read from the tally are cached (a user who sees the root's whole subtree, a
period on the tally's grain): figures counted live for a partial scope are not.

Warming: a write gives new tokens to every unit above it, so the first request after it would
pay for the figures (224 ms at the national root on the country's data). Once the write
commits (``registry.tally.revisions_renewed``), the worker is asked to compute the figures the
dashboard opens with at the roots users open (``reports.tasks.warm_figures``), for every
language. One warming per root is pending at a time: a burst of writes warms once more after
the last one, not once per write.
"""

import functools

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils.translation import get_language
from django_tasks import task_backends
from django_tasks.backends.immediate import ImmediateBackend

from registry.models import Unit
from registry.tally import roots_token, token_of

TIMEOUT = 24 * 3600
# Part of every key: raise it when the shape of a cached value changes, so that a new release
# never reads what an older one cached (a row without the cells it now renders).
VERSION = "2"


def cached(user, root, period, name, compute):
    """Return ``compute()``, cached under the root's token when the figures come from the tally.

    ``name`` must say everything else the value depends on (the function, the page).
    """
    from .selectors.figures import Source
    from .selectors.roots import sees_whole_subtree

    if period.on is not None:
        # The structure of a past day, counted live: a registration may stand under a unit of
        # another branch, so the value is kept under the whole tree's token, for those who see
        # the root's whole subtree (as the counts kept ready are), drafts not counted.
        if period.drafts or not sees_whole_subtree(user, root):
            return compute()
        token = roots_token()
    elif not Source(user, root, period, period.previous()).tally:
        return compute()
    else:
        token = token_of(root)
    if token is None:  # no counts were ever written under this unit
        return compute()
    key = ":".join(
        [
            "figures",
            VERSION,
            name,
            str(root.pk),
            token,
            period.kind,
            period.structure,
            period.on.isoformat() if period.on else "",
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


# Warming after writes -------------------------------------------------------------------------

MAX_WARMED = 100  # roots warmed after one write at most (a rebuild renews every unit)
WARMING_TIMEOUT = 300  # a pending warming whose task was lost stops blocking others after this
LOCAL_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


def warming_enabled():
    """Whether warming helps: a cache the servers share, and a worker that is not the request."""
    shared = settings.CACHES["default"]["BACKEND"] not in LOCAL_CACHES
    return shared and not isinstance(task_backends["default"], ImmediateBackend)


def roots_to_warm(unit_ids):
    """Return the pks, among ``unit_ids`` (None: all), of the roots users open: the tree's roots
    and the units of memberships. One query."""
    units = Unit.objects.filter(Q(depth=1) | Q(memberships__isnull=False))
    if unit_ids is not None:
        units = units.filter(pk__in=unit_ids)
    return sorted(units.values_list("pk", flat=True).distinct().order_by()[:MAX_WARMED])


def _pending_key(pk):
    return f"figures-warming:{pk}"


def claim_warming(unit_pks):
    """Return the roots of ``unit_pks`` with no warming pending yet, marking them pending."""
    return [pk for pk in unit_pks if cache.add(_pending_key(pk), 1, WARMING_TIMEOUT)]


def release_warming(unit_pks):
    """Let the next write ask for a warming of these roots again (the task starts on them)."""
    cache.delete_many([_pending_key(pk) for pk in unit_pks])
