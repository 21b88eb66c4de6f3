"""Server-rendered bar charts: no script, nothing fetched, and a table beside each for screen readers."""

from django import template

register = template.Library()

BAR_AREA = 160  # px of the 320-wide chart given to the longest bar


@register.filter
def bars(rows):
    """Lay out (label, value) or (label, value, link) rows as horizontal bars."""
    rows = [(row[0], row[1], row[2] if len(row) > 2 else "") for row in list(rows)[:12]]
    largest = max((value for _label, value, _link in rows), default=0) or 1
    items = [
        {"label": label, "value": value, "link": link, "y": index * 22,
         "width": max(1, round(value * BAR_AREA / largest))}
        for index, (label, value, link) in enumerate(rows)
    ]  # fmt: skip
    return {"items": items, "height": max(22, len(items) * 22)}
