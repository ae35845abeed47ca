"""The admin's forms for a new referral link and for a pool entry; their checks are the
services' (`link_problems`, `pool_problems`), shown as Dutch form errors."""

from django import forms
from django.db.models import Q

from providers.admin_scoping import organisations_for
from providers.models import Offer
from providers.paths import services
from providers.paths.models import PoolEntry, ReferralLink

OTHER_OFFER_INVALID = (
    "Kies gepubliceerd aanbod uit de lijst: dit aanbod bestaat niet, is nog niet gepubliceerd "
    "of is gearchiveerd."
)


class OfferChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, offer):
        status = (
            "" if offer.status == Offer.Status.PUBLISHED else f" [{offer.get_status_display()}]"
        )
        return f"{offer.organisation.name}: {offer.name}{status}"


class LinkProposalForm(forms.ModelForm):
    """For one of the user's offers: the other offer (published, of any organisation, or one
    of the user's own) and which way the help goes."""

    own_offer = OfferChoiceField(
        label="Mijn aanbod",
        queryset=Offer.objects.none(),
        help_text="Een aanbod van uw organisatie.",
    )
    direction = forms.ChoiceField(
        label="Richting", choices=services.DIRECTIONS, initial=services.ONWARD
    )
    other_offer = OfferChoiceField(
        label="Ander aanbod",
        queryset=Offer.objects.none(),
        error_messages={"invalid_choice": OTHER_OFFER_INVALID},
        help_text="Is het aanbod van een andere organisatie, dan is de verwijzing een voorstel "
        "tot die organisatie haar bevestigt.",
    )

    class Meta:
        model = ReferralLink
        fields = ["kind", "note"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        own = Offer.objects.filter(organisation__in=organisations_for(user)).select_related(
            "organisation"
        )
        self.fields["own_offer"].queryset = own.order_by("organisation__name", "name")
        # Another organisation's draft or archived offer is not offered, and not named when
        # its id is posted: its existence stays private.
        self.fields["other_offer"].queryset = (
            Offer.objects.filter(
                Q(status=Offer.Status.PUBLISHED) | Q(organisation__in=organisations_for(user))
            )
            .select_related("organisation")
            .order_by("organisation__name", "name")
        )
        self.order_fields(["own_offer", "direction", "other_offer", "kind", "note"])

    def clean(self):
        data = super().clean()
        if all(data.get(name) for name in ("own_offer", "other_offer", "direction", "kind")):
            problems = services.link_problems(
                own_offer=data["own_offer"],
                other_offer=data["other_offer"],
                direction=data["direction"],
                kind=data["kind"],
            )
            for name, message in problems.items():
                self.add_error(None if name == "__all__" else name, message)
        return data


POOL_LISTS = ("frameworks", "violence_types", "phases", "deployment_kinds")


class PoolEntryAdminForm(forms.ModelForm):
    class Meta:
        model = PoolEntry
        fields = [
            "organisation",
            "title",
            "frameworks",
            "violence_types",
            "phases",
            "deployment_kinds",
            "availability",
            "availability_unit",
            "description",
            "listed",
        ]
        error_messages = {
            "frameworks": {"required": "Kies minstens één analysekader."},
        }

    def clean(self):
        data = super().clean()
        problems = services.pool_problems(
            availability=data.get("availability"),
            frameworks=list(data.get("frameworks") or []),
            violence_types=list(data.get("violence_types") or []),
        )
        for name, message in problems.items():
            if name not in self.errors:
                self.add_error(name, message)
        return data

    def lists(self) -> dict:
        return {name: list(self.cleaned_data.get(name) or []) for name in POOL_LISTS}
