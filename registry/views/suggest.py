"""Suggestions for the choice lists that are too long to send whole (see ``registry.widgets``)."""

from django.db.models import Q
from django.http import Http404, JsonResponse
from django.views import View

from registry.formats import until
from registry.models import Initiative, Unit
from registry.querysets import CHANGE, MANAGE, VIEW
from registry.text import fold

LIMIT = 30


class SuggestView(View):
    """``?q=`` words without diacritics → up to 30 units or models in the user's scope, as JSON."""

    def get(self, request, kind):
        action = request.GET.get("quyen", VIEW)
        if action not in (VIEW, CHANGE, MANAGE) or kind not in ("unit", "initiative"):
            raise Http404
        words = fold(request.GET.get("q", ""))[:100].split()[:8]
        if kind == "unit":
            results = self.units(request.user, action, words)
        else:
            results = self.initiatives(request.user, words)
        return JsonResponse({"results": results})

    @staticmethod
    def units(user, action, words):
        query = Q()
        for word in words:
            query &= Q(search_name__contains=word)
        units = list(
            Unit.objects.restrict(user, action)
            .filter(query)
            .order_by("depth", "path")
            .values("pk", "name", "path", "valid_to")[:LIMIT]
        )
        parents = dict(
            Unit.objects.filter(path__in={unit["path"][: -Unit.steplen] for unit in units}).values_list(
                "path", "name"
            )
        )
        results = []
        for unit in units:
            text = unit["name"]
            if unit["valid_to"]:
                text = until(text, unit["valid_to"])
            parent = parents.get(unit["path"][: -Unit.steplen])
            results.append({"value": unit["pk"], "text": text, "context": parent or ""})
        return results

    @staticmethod
    def initiatives(user, words):
        rows = (
            Initiative.objects.restrict(user, VIEW)
            .alive()
            .matching(" ".join(words) + "*")  # the last word may still be being typed
            .order_by("name", "pk")
            .values("pk", "name", "unit__name")[:LIMIT]
        )
        return [{"value": row["pk"], "text": row["name"], "context": row["unit__name"]} for row in rows]
