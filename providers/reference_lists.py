"""Load the maintained lists of many offers (target groups, methods, ...) in one query.

Prefetching the many-to-many lists (the registry in providers.lists) one by one costs a query
per list per page; a UNION ALL over their link tables costs one. The result fills the same
per-instance cache that `prefetch_related` fills, so `offer.methods.all()` reads it without a
query.
"""

from django.db.models import CharField, F, Value

from providers.lists import MAINTAINED_LISTS, OFFER_LIST_FIELDS


def attach_reference_lists(offers: list) -> None:
    """Fill the reference lists of `offers` (Offer instances) with one query."""
    if not offers:
        return
    Offer = type(offers[0])  # noqa: N806 (a model class)
    ids = [offer.pk for offer in offers]
    parts = []
    for maintained in MAINTAINED_LISTS:
        name = maintained.field
        field = Offer._meta.get_field(name)
        target = field.m2m_reverse_field_name()
        parts.append(
            field.remote_field.through.objects.filter(offer_id__in=ids).values_list(
                Value(name, output_field=CharField()),
                "offer_id",
                f"{target}__id",
                f"{target}__slug",
                f"{target}__name",
                f"{target}__order",
                F(f"{target}__code")
                if maintained.has_code
                else Value("", output_field=CharField()),
            )
        )
    rows = parts[0].union(*parts[1:], all=True)
    items: dict[tuple[int, str], list] = {}
    for name, offer_id, pk, slug, item_name, order, code in rows:
        model = Offer._meta.get_field(name).related_model
        item = model(pk=pk, slug=slug, name=item_name, order=order)
        if code:
            item.code = code
        items.setdefault((offer_id, name), []).append(item)
    for offer in offers:
        cache = offer.__dict__.setdefault("_prefetched_objects_cache", {})
        for name in OFFER_LIST_FIELDS:
            related = sorted(items.get((offer.pk, name), []), key=lambda i: (i.order, i.name))
            queryset = getattr(offer, name).all()
            queryset._result_cache = related
            queryset._prefetch_done = True
            cache[name] = queryset
