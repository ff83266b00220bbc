from .lists import ListQuery, id_filter, show_filter


class EventListQuery(ListQuery):
    show = show_filter()
    group_id = id_filter()
