"""``{% pledge_picture compact as picture %}``: the pledged-against-recorded rows of a
compact (contributions.pledges) as the reader may see them, for the contributions page."""

from django import template

from ..pledges import pledge_picture, pledge_total

register = template.Library()


@register.simple_tag(takes_context=True)
def pledge_rows(context, compact, funding=None) -> dict:
    """``funding``: the page's funding years, whose recorded sums are reused."""
    years = pledge_picture(user=context["request"].user, compact=compact, funding=funding)
    return {"years": years, "total": pledge_total(years),
            "pledged": any(y.pledged_usd is not None or y.pledged_local
                           or y.pledged_personnel is not None for y in years)}
