"""Factories for the registry's models (factory_boy).

Initiatives, registrations and decisions are created through the services, as the pages create
them, so that what every write keeps up to date (the counts kept ready for the reports, the
columns a registration keeps from its decisions and initiative) is right without a rebuild.
A test that means to write past the services says so: ``Factory.build(...).save()``.
"""

import datetime

import factory
from django.contrib.auth import get_user_model

from registry import services
from registry.choices import DecisionKind, Kind, Level, RegistrationStatus, Role, UnitType
from registry.models import Campaign, Decision, Field, Initiative, Membership, Registration, Unit


def make_unit(name, parent=None, unit_type=UnitType.CELL, **fields):
    """Create a unit as a root or as the last child of ``parent``, through the service."""
    fields.setdefault("code", "")
    return services.unit_create(user=None, parent=parent, unit=Unit(name=name, unit_type=unit_type, **fields))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "mat-khau-thu-nghiem")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.EDITOR


def field(standard="economy"):
    return Field.objects.filter(standard=standard).order_by("order").first()


class InitiativeFactory(factory.django.DjangoModelFactory):
    """An initiative; given ``year`` (and optionally ``registered_on``, ``level``, ``status``),
    registered for that year too, through ``services.initiative_create``.

    Without a year the initiative is saved alone, as the services never do: alone it counts in
    no report and nothing derives from it, and the tests register it next (RegistrationFactory).
    """

    class Meta:
        model = Initiative

    name = factory.Sequence(lambda n: f"Mô hình số {n}")
    kind = Kind.COLLECTIVE
    field = factory.LazyFunction(field)

    @classmethod
    def _create(
        cls, model_class, *args, year=None, registered_on=None, level=Level.GRASSROOTS, status="", **kwargs
    ):
        initiative = model_class(*args, **kwargs)
        if year is None:
            initiative.full_clean()
            initiative.save()
            return initiative
        return services.initiative_create(
            user=None,
            initiative=initiative,
            year=year,
            registered_on=registered_on or datetime.date(year, 3, 1),
            level=level,
            status=status,
        )


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A yearly registration, made by ``services.registration_create``."""

    class Meta:
        model = Registration

    initiative = factory.SubFactory(InitiativeFactory)
    unit = factory.LazyAttribute(lambda o: o.initiative.unit)
    year = 2023
    registered_on = factory.LazyAttribute(lambda o: datetime.date(o.year, 3, 1))
    status = RegistrationStatus.NEW
    level = Level.GRASSROOTS

    @classmethod
    def _create(cls, model_class, *args, initiative, **kwargs):
        registration = model_class(*args, **kwargs)
        return services.registration_create(user=None, initiative=initiative, registration=registration)


class DecisionFactory(factory.django.DjangoModelFactory):
    """A decision, made by ``services.decision_create`` with the ``registrations`` it covers."""

    class Meta:
        model = Decision

    kind = DecisionKind.RECOGNITION
    number = factory.Sequence(lambda n: str(100 + n))
    symbol = "QĐ/HU"
    signed_on = datetime.date(2023, 12, 15)
    issuer_name = "Ban Thường vụ Huyện ủy"
    level = Level.DISTRICT
    title = "Về việc công nhận mô hình “Dân vận khéo”"

    @classmethod
    def _create(cls, model_class, *args, registrations=(), **kwargs):
        decision = model_class(*args, **kwargs)
        return services.decision_create(user=None, decision=decision, registrations=registrations)


class CampaignFactory(factory.django.DjangoModelFactory):
    """A campaign of 2026, launched through ``services.campaign_create``."""

    class Meta:
        model = Campaign

    year = 2026
    title = factory.Sequence(lambda n: f"Thi đua “Dân vận khéo” năm 2026, đợt {n}")
    launched_on = datetime.date(2026, 1, 15)
    registration_deadline = datetime.date(2026, 3, 31)
    evaluation_deadline = datetime.date(2026, 11, 30)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.campaign_create(user=None, campaign=model_class(*args, **kwargs))


def reorganise(olds, *, into, day=datetime.date(2025, 7, 1), kind="merge"):
    """Merge ``olds`` into the existing unit ``into`` on ``day``, through the reorganisation service."""
    from registry import reorganisations
    from registry.models import Reorganisation

    plan = Reorganisation.objects.create(
        title="Sáp nhập",
        effective_on=day,
        plan={"steps": [{"kind": kind, "olds": [unit.pk for unit in olds], "targets": [{"unit": into.pk}]}]},
    )
    return reorganisations.apply(user=None, reorganisation=plan)
