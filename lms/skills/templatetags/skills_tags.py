from django import template

from lms.skills.selectors import Cell

register = template.Library()


@register.simple_tag
def cell_of(row, competency):
    """The map row's cell of a competence (an empty one when nobody there is expected to have it)."""
    return row.cells.get(competency.pk) or Cell()
