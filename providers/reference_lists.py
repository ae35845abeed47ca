"""Load the maintained lists (target groups, methods, ...) and the positions of many offers,
each in one query, with as few objects as a list of offers needs.

Prefetching the many-to-many lists (the registry in providers.lists) one by one costs a query
per list per page; a UNION ALL over their link tables costs one. Positions come in one query
too, with their phase, violence type and framework as columns of the same rows. Each list
entry, phase, violence type and framework becomes one instance, shared by every offer that
holds it (a page of 100 offers refers to a few dozen of them, not thousands).

The results fill the per-instance cache that `prefetch_related` fills, so `offer.methods.all()`
and `offer.positions.all()` read them without a query. What they return is a loaded list: it
can be iterated, counted and indexed, and refuses to be filtered further (that would need the
database, and silently lose the offer's relation).
"""

from django.db.models import CharField, F, QuerySet, Value

from providers.lists import MAINTAINED_LISTS, OFFER_LIST_FIELDS


class LoadedList(QuerySet):
    """The loaded related objects of one offer, read-only: a queryset whose result is set."""

    def _chain(self):
        raise TypeError("a loaded list of an offer cannot be filtered; iterate it instead")


def _loaded(model, objects: list) -> LoadedList:
    loaded = LoadedList(model)
    loaded._result_cache = objects
    loaded._prefetch_done = True
    return loaded


def _cache(offer) -> dict:
    return offer.__dict__.setdefault("_prefetched_objects_cache", {})


def attach_reference_lists(offers: list) -> None:
    """Fill the reference lists of `offers` (Offer instances) with one query."""
    if not offers:
        return
    Offer = type(offers[0])  # noqa: N806 (a model class)
    ids = [offer.pk for offer in offers]
    parts = []
    models = {}
    for maintained in MAINTAINED_LISTS:
        name = maintained.field
        field = Offer._meta.get_field(name)
        models[name] = field.related_model
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
    shared: dict[tuple[str, int], object] = {}
    items: dict[tuple[int, str], list] = {}
    for name, offer_id, pk, slug, item_name, order, code in rows:
        item = shared.get((name, pk))
        if item is None:
            item = models[name](pk=pk, slug=slug, name=item_name, order=order)
            if code:
                item.code = code
            shared[(name, pk)] = item
        items.setdefault((offer_id, name), []).append(item)
    for offer in offers:
        cache = _cache(offer)
        for name in OFFER_LIST_FIELDS:
            related = sorted(items.get((offer.pk, name), []), key=lambda i: (i.order, i.name))
            cache[name] = _loaded(models[name], related)


def _columns(model, prefix: str) -> list[str]:
    return [f"{prefix}{field.attname}" for field in model._meta.concrete_fields]


def attach_positions(offers: list) -> None:
    """Fill the positions of `offers` (Offer instances), each with its phase and violence type
    (and that type's framework), with one query; in the order of `Position.Meta.ordering`."""
    if not offers:
        return
    Offer = type(offers[0])  # noqa: N806 (model classes, reached through the relations)
    Position = Offer._meta.get_field("positions").related_model  # noqa: N806
    Phase = Position._meta.get_field("phase").related_model  # noqa: N806
    ViolenceType = Position._meta.get_field("violence_type").related_model  # noqa: N806
    Framework = ViolenceType._meta.get_field("framework").related_model  # noqa: N806
    groups = [
        (Position, ["id", "offer_id", "violence_type_id", "phase_id"]),
        (Phase, _columns(Phase, "phase__")),
        (ViolenceType, _columns(ViolenceType, "violence_type__")),
        (Framework, _columns(Framework, "violence_type__framework__")),
    ]
    columns = [column for _, group in groups for column in group]
    rows = Position.objects.filter(offer_id__in=[offer.pk for offer in offers]).values_list(
        *columns
    )
    db = rows.db
    position_width, phase_width, type_width = (len(group) for _, group in groups[:3])
    names = {model: [f.attname for f in model._meta.concrete_fields] for model, _ in groups}
    shared: dict[tuple[type, int], object] = {}

    def one(model, values):
        instance = shared.get((model, values[0]))
        if instance is None:
            instance = shared[(model, values[0])] = model.from_db(db, names[model], values)
        return instance

    by_offer: dict[int, list] = {}
    phase_end = position_width + phase_width
    type_end = phase_end + type_width
    for row in rows:
        position = Position.from_db(db, names[Position], row[:position_width])
        phase = one(Phase, row[position_width:phase_end])
        violence_type = one(ViolenceType, row[phase_end:type_end])
        violence_type._state.fields_cache["framework"] = one(Framework, row[type_end:])
        position._state.fields_cache["phase"] = phase
        position._state.fields_cache["violence_type"] = violence_type
        by_offer.setdefault(position.offer_id, []).append(position)
    for offer in offers:
        positions = by_offer.get(offer.pk, [])
        for position in positions:
            position._state.fields_cache["offer"] = offer
        _cache(offer)["positions"] = _loaded(Position, positions)
