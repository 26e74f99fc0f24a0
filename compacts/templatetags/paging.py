"""``{% query_without_page %}``: the page's query string without ``page``, so that the
pagination links (templates/includes/pagination.html) keep every filter in the URL."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def query_without_page(context) -> str:
    request = context.get("request")
    if request is None:
        return ""
    query = request.GET.copy()
    query.pop("page", None)
    encoded = query.urlencode()
    return f"{encoded}&" if encoded else ""
