"""Template tags of lists: numbered paging, and a list's query string with one parameter changed."""

from django import template
from django.http import QueryDict

register = template.Library()


@register.simple_tag
def page_numbers(page):
    """The page numbers to show around the current one: the first, two either side, the last; None for a gap."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The request's query string with `changes` set (a list sets every value of the key, None removes it); the
    page is dropped unless set, since a changed list starts on its first page."""
    query = QueryDict(context["request"].GET.urlencode(), mutable=True)
    query.pop("page", None)
    for key, value in changes.items():
        query.pop(key, None)
        if isinstance(value, list | tuple):
            query.setlist(key, [str(item) for item in value])
        elif value not in (None, ""):
            query[key] = value
    return query.urlencode()
