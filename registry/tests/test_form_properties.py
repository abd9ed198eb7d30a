"""Property tests of the main forms: random text, numbers and dates, sent as a browser would.

Whatever is typed, the page answers (never a server error), and either the record is saved and
valid, or it is refused with a message and nothing of it is saved. Few examples each: the
suite runs on every change.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.models import Decision, Initiative, Registration

pytestmark = pytest.mark.django_db

PROPERTIES = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

texts = st.text(st.characters(codec="utf-8"), max_size=300)
names = st.one_of(texts, st.just(""), st.text(min_size=480, max_size=520))


def typed_date(day):
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


dates = st.one_of(st.dates().map(typed_date), st.text(max_size=12))
numbers = st.one_of(
    st.integers(-(10**20), 10**20).map(str),
    st.sampled_from(["", "0", "-1", "1e10", "2147483648", "9223372036854775808", "1,5", "١٢"]),
    st.text(max_size=8),
)
years = st.one_of(st.integers(-5, 10000).map(str), numbers)


def saved_or_refused(response, before, after, page_error="alert-danger"):
    """Either saved (a redirect, one more record) or refused with a message (nothing saved)."""
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        return True
    assert after == before, "a refused form saved something"
    assert page_error in response.content.decode() or "is-invalid" in response.content.decode()
    return False


def counts():
    return Initiative.objects.count(), Registration.objects.count(), Decision.objects.count()


@PROPERTIES
@given(
    name=names,
    person=texts,
    kind=st.sampled_from(["collective", "individual", "", "robot"]),
    year=years,
    registered_on=dates,
    start_date=dates,
    address=texts,
    content=texts,
)
def test_the_initiative_form_saves_valid_records_or_refuses_with_a_message(
    tree, client_for, name, person, kind, year, registered_on, start_date, address, content
):
    client = client_for(tree.editor_a)
    data = {
        "name": name,
        "unit": tree.commune.pk,
        "kind": kind,
        "person_name": person,
        "field": tree.initiative_a.field_id,
        "grade": "model",
        "year": year,
        "registered_on": registered_on,
        "start_date": start_date,
        "level": "grassroots",
        "status": "new",
        "address": address,
        "content": content,
    }
    before = counts()
    response = client.post(reverse("registry:initiative_create"), data)
    after = counts()
    if saved_or_refused(response, before, after):
        assert after == (before[0] + 1, before[1] + 1, before[2])  # the model and its registration
        initiative = Initiative.objects.latest("pk")
        initiative.full_clean()
        initiative.registrations.get().full_clean()


@PROPERTIES
@given(
    year=years,
    registered_on=dates,
    evaluated_on=dates,
    evaluation=st.sampled_from(["pending", "effective", "not_effective", "", "x"]),
    people=numbers,
    money=numbers,
    workdays=numbers,
    results=texts,
)
def test_the_registration_form_saves_valid_records_or_refuses_with_a_message(
    tree, client_for, year, registered_on, evaluated_on, evaluation, people, money, workdays, results
):
    client = client_for(tree.editor_a)
    data = {
        "year": year,
        "unit": tree.commune.pk,
        "registered_on": registered_on,
        "level": "grassroots",
        "evaluation": evaluation,
        "evaluated_on": evaluated_on,
        "people_reached": people,
        "money_mobilised": money,
        "workdays": workdays,
        "results": results,
    }
    before = counts()
    response = client.post(reverse("registry:registration_create", args=[tree.initiative_a.pk]), data)
    after = counts()
    if saved_or_refused(response, before, after):
        assert after == (before[0], before[1] + 1, before[2])
        Registration.objects.latest("pk").full_clean()


@PROPERTIES
@given(
    number=st.one_of(texts, numbers),
    symbol=texts,
    signed_on=dates,
    issuer=texts,
    title=names,
    kind=st.sampled_from(["recognition", "commendation", ""]),
)
def test_the_decision_form_saves_valid_records_or_refuses_with_a_message(
    tree, client_for, number, symbol, signed_on, issuer, title, kind
):
    client = client_for(tree.editor_a)
    data = {
        "kind": kind,
        "number": number,
        "symbol": symbol,
        "signed_on": signed_on,
        "issuing_unit": tree.a.pk,
        "issuer_name": issuer,
        "level": "district",
        "title": title,
    }
    before = counts()
    response = client.post(reverse("registry:decision_create"), data)
    after = counts()
    if saved_or_refused(response, before, after):
        assert after == (before[0], before[1], before[2] + 1)
        decision = Decision.objects.latest("pk")
        try:
            decision.full_clean()
        except ValidationError as error:  # pragma: no cover - the message says which rule
            pytest.fail(f"saved an invalid decision: {error}")
