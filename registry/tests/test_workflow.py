"""The newcomer's path: register, maintain, recognise, find, undo."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from registry import services
from registry.choices import Kind, RegistrationStatus
from registry.models import Decision, Field, Initiative, Registration

from .factories import InitiativeFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def initiative_post(tree, **overrides):
    data = {
        "name": "Mô hình “Dân vận khéo” trong xây dựng nông thôn mới",
        "unit": tree.commune.pk,
        "kind": Kind.COLLECTIVE,
        "field": Field.objects.get(name="Phát triển kinh tế, xây dựng nông thôn mới").pk,
        "grade": "model",
        "year": 2024,
        "registered_on": "15/03/2024",
        "level": "grassroots",
        "status": "new",
        "content": "Vận động nhân dân hiến đất, góp công làm đường.",
    }
    data.update(overrides)
    return data


def test_editor_registers_maintains_recognises_and_finds_an_initiative(tree, client_for):
    client = client_for(tree.editor_a)
    response = client.post(reverse("registry:initiative_create"), initiative_post(tree))
    initiative = Initiative.objects.get(name__startswith="Mô hình “Dân vận khéo” trong xây dựng")
    assert response.status_code == 302
    assert response["Location"] == initiative.get_absolute_url()
    first = initiative.registrations.get()
    assert (first.year, first.status, first.registered_on) == (2024, "new", datetime.date(2024, 3, 15))
    assert initiative.history.first().history_user == tree.editor_a

    # Maintain into 2025: the status defaults to "maintained" because 2024 exists.
    response = client.post(
        reverse("registry:registration_create", args=[initiative.pk]),
        {
            "year": 2025,
            "unit": tree.commune.pk,
            "registered_on": "2025-02-01",
            "level": "grassroots",
            "evaluation": "pending",
        },
    )
    assert response.status_code == 302
    second = initiative.registrations.get(year=2025)
    assert second.status == RegistrationStatus.MAINTAINED

    # Record a recognition decision covering the 2025 registration.
    response = client.post(
        reverse("registry:decision_create") + f"?registration={second.pk}",
        {
            "kind": "recognition",
            "number": "245",
            "symbol": "QĐ/HU",
            "signed_on": "2025-12-20",
            "issuing_unit": tree.a.pk,
            "issuer_name": "Ban Thường vụ Huyện ủy Bạch Thông",
            "level": "district",
            "title": "Công nhận mô hình “Dân vận khéo” năm 2025",
            "registration": [second.pk],
        },
    )
    decision = Decision.objects.get(number="245")
    assert response.status_code == 302
    assert decision.reference == "245-QĐ/HU"
    assert list(decision.registrations.all()) == [second]

    # Find it without diacritics, and by the recognised filter.
    page = client.get(reverse("registry:registration_list"), {"q": "dan van kheo trong xay dung nong thon"})
    assert [r.pk for r in page.context["object_list"]] == [second.pk, first.pk]
    page = client.get(reverse("registry:registration_list"), {"recognised": "true", "year": 2025})
    assert [r.pk for r in page.context["object_list"]] == [second.pk]
    detail = client.get(initiative.get_absolute_url()).content.decode()
    assert "245-QĐ/HU" in detail


def test_search_without_diacritics_finds_units_and_initiatives(tree, client_for):
    client = client_for(tree.editor_a)
    page = client.get(reverse("registry:registration_list"), {"q": "bach thong"})
    assert [r.initiative for r in page.context["object_list"]] == [tree.initiative_a]
    page = client.get(reverse("registry:registration_list"), {"q": "NA PHAI"})
    assert [r.initiative for r in page.context["object_list"]] == [tree.initiative_a]


def test_soft_delete_hides_and_undo_restores(tree, client_for):
    client = client_for(tree.editor_a)
    url = reverse("registry:initiative_delete", args=[tree.initiative_a.pk])
    assert client.post(url).status_code == 302
    assert client.get(tree.initiative_a.get_absolute_url()).status_code == 404
    listing = client.get(reverse("registry:registration_list"))
    assert listing.context["paginator"].count == 0
    trash = client.get(reverse("registry:trash"))
    assert tree.initiative_a in trash.context["initiatives"]
    client.post(reverse("registry:initiative_restore", args=[tree.initiative_a.pk]))
    assert client.get(tree.initiative_a.get_absolute_url()).status_code == 200
    record = tree.initiative_a.history.first()
    assert record.history_user == tree.editor_a


def test_deleted_registration_can_be_restored_not_registered_twice(tree, client_for):
    client = client_for(tree.editor_a)
    client.post(reverse("registry:registration_delete", args=[tree.registration_a.pk]))
    response = client.post(
        reverse("registry:registration_create", args=[tree.initiative_a.pk]),
        {
            "year": 2023,
            "unit": tree.cell.pk,
            "registered_on": "2023-03-01",
            "level": "grassroots",
            "evaluation": "pending",
        },
    )
    assert response.status_code == 200
    assert "Đã xóa" in str(response.context["form"].errors["year"])
    client.post(reverse("registry:registration_restore", args=[tree.registration_a.pk]))
    tree.registration_a.refresh_from_db()
    assert not tree.registration_a.is_deleted


def test_history_shows_who_changed_what(tree, client_for):
    client = client_for(tree.editor_a)
    data = initiative_post(tree, name="Tên mới của mô hình", unit=tree.cell.pk)
    client.post(reverse("registry:initiative_update", args=[tree.initiative_a.pk]), data)
    page = client.get(reverse("registry:history", args=["mo-hinh", tree.initiative_a.pk]))
    content = page.content.decode()
    assert "Tên mới của mô hình" in content
    assert "bientap_a" in content


def test_decision_choose_page_adds_and_removes_registrations(tree, client_for):
    client = client_for(tree.editor_a)
    other = RegistrationFactory(initiative=InitiativeFactory(unit=tree.commune), year=2023)
    url = reverse("registry:decision_registrations", args=[tree.decision_a.pk])
    page = client.get(url)
    assert {r.pk for r in page.context["object_list"]} == {tree.registration_a.pk, other.pk}
    client.post(url + "?year=2023", {"add": [other.pk], "remove": [tree.registration_a.pk]})
    assert list(tree.decision_a.registrations.all()) == [other]


def test_home_page_counts_what_is_left_to_maintain(tree, client_for, settings):
    today = datetime.date.today()
    old = RegistrationFactory(initiative=InitiativeFactory(unit=tree.commune), year=today.year - 1)
    RegistrationFactory(initiative=old.initiative, year=today.year)
    RegistrationFactory(initiative=InitiativeFactory(unit=tree.commune), year=today.year - 1)
    page = client_for(tree.editor_a).get(reverse("registry:home"))
    assert page.context["figures"]["last_year"] == 2
    assert page.context["figures"]["not_renewed"] == 1
    assert page.context["figures"]["this_year"] == 1


def test_list_queries_do_not_grow_with_rows(tree, client_for, django_assert_max_num_queries):
    client = client_for(tree.editor_a)
    client.get(reverse("registry:registration_list"))  # warm the session
    for _ in range(3):
        RegistrationFactory(initiative=InitiativeFactory(unit=tree.commune))
    # Eleven, the user's columns and saved filters, and the award forms of their filter.
    with django_assert_max_num_queries(14) as few:
        client.get(reverse("registry:registration_list"))
    for _ in range(30):
        RegistrationFactory(initiative=InitiativeFactory(unit=tree.cell))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("registry:registration_list"))


def test_detail_queries_do_not_grow_with_registrations(tree, client_for, django_assert_max_num_queries):
    client = client_for(tree.editor_a)
    client.get(tree.initiative_a.get_absolute_url())
    with django_assert_max_num_queries(20) as few:
        client.get(tree.initiative_a.get_absolute_url())
    for year in range(2015, 2023):
        registration = RegistrationFactory(initiative=tree.initiative_a, year=year)
        services.decision_set_registrations(user=None, decision=tree.decision_a, add=[registration])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(tree.initiative_a.get_absolute_url())
    assert Registration.objects.filter(initiative=tree.initiative_a).count() == 9


def test_the_printed_detail_says_when_it_was_printed(tree, client_for):
    html = client_for(tree.editor_a).get(tree.initiative_a.get_absolute_url()).content.decode()
    line = re.search(r'<p class="print-only printed-at[^"]*">In lúc \d\d:\d\d (\d\d/\d\d/\d{4})\.</p>', html)
    assert line, "no line with the time of printing"
    assert line.group(1) == timezone.localdate().strftime("%d/%m/%Y")


def test_the_search_hint_is_a_text_under_the_field_that_the_field_names(tree, client_for):
    html = client_for(tree.editor_a).get(reverse("registry:registration_list")).content.decode()
    field = re.search(r"<input[^>]*\bid=\"id_q\"[^>]*>", html).group()
    assert 'aria-describedby="id_q_helptext"' in field and "placeholder" not in field
    assert '<div id="id_q_helptext" class="form-text small mt-0">Không cần dấu; “nguy*”: các từ' in html


def test_search_finds_words_of_the_model_and_of_its_unit_together(tree, client_for):
    client = client_for(tree.editor_a)
    listing = reverse("registry:registration_list")
    found = client.get(listing, {"q": "hien dat na phai"}).context["object_list"]
    assert [r.initiative for r in found] == [tree.initiative_a]
    empty = client.get(listing, {"q": "hien dat cam giang"}, follow=True)
    assert list(empty.context["object_list"]) == []


def test_search_matches_whole_words_where_the_database_can(tree, client_for):
    flower = RegistrationFactory(initiative=InitiativeFactory(name="Vườn hoa tự quản", unit=tree.cell))
    activity = RegistrationFactory(initiative=InitiativeFactory(name="Hoạt động tự quản", unit=tree.cell))
    found = client_for(tree.editor_a).get(reverse("registry:registration_list"), {"q": "hoa tu quan"})
    if Initiative.objects.matches_whole_words():
        assert list(found.context["object_list"]) == [flower]
    else:  # SQLite: every word anywhere in the search key
        assert set(found.context["object_list"]) == {flower, activity}


def test_a_search_that_finds_nothing_is_widened_to_the_start_of_its_last_word(tree, client_for):
    client = client_for(tree.editor_a)
    listing = reverse("registry:registration_list")
    response = client.get(listing, {"q": "Bạch Thô"})
    if Initiative.objects.matches_whole_words():
        assert response.status_code == 302
        assert response.url == f"{listing}?q=B%E1%BA%A1ch+Th%C3%B4%2A"
        response = client.get(response.url)
        assert "các mô hình có từ bắt đầu bằng “Thô”" in response.content.decode()
    assert tree.initiative_a in [r.initiative for r in response.context["object_list"]]
    # Nothing listed because a filter is wrong: the form says so, the search is not widened.
    assert client.get(listing, {"q": "khong co dau", "year": "abc"}).status_code == 200
    # A prefix already: an empty list is shown as it is.
    nothing = client.get(listing, {"q": "khong co dau*"})
    assert nothing.status_code == 200
    assert list(nothing.context["object_list"]) == []


def test_renaming_a_unit_renames_it_in_the_search(tree, client_for):
    client = client_for(tree.admin_province)
    data = {"name": "Chi bộ thôn Nà Phải Mới", "unit_type": tree.cell.unit_type, "code": tree.cell.code}
    response = client.post(reverse("registry:unit_update", args=[tree.cell.pk]), data)
    assert response.status_code == 302
    found = client.get(reverse("registry:registration_list"), {"q": "na phai moi"}).context["object_list"]
    assert [r.initiative for r in found] == [tree.initiative_a]
