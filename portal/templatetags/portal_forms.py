"""What a form says when it is refused: one summary of every problem, each linking to its field."""

from django import template

register = template.Library()


def _problems_of(form, general: list, problems: list) -> None:
    members = getattr(form, "forms", None)
    if members is not None:  # a formset: its own errors, then each form's
        general.extend(form.non_form_errors())
        for member in members:
            _problems_of(member, general, problems)
        return
    general.extend(form.non_field_errors())
    for field in form:
        if not field.errors:
            continue
        if field.is_hidden:
            general.extend(field.errors)
            continue
        # A group of boxes has no single control to land on: the link goes to the message beside the group.
        target = field.id_for_label or f"{field.auto_id}_error"
        problems.append({"target": target, "label": field.label, "errors": list(field.errors)})


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*forms):
    """`{% error_summary form formset other_form %}`: the errors of the forms given (None is skipped), those of
    no one field first, then one link per field in error, in the order the fields appear."""
    general, problems = [], []
    for form in forms:
        if form is not None and getattr(form, "is_bound", False):
            _problems_of(form, general, problems)
    return {"general": general, "problems": problems}
