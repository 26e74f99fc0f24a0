"""``{% document_panel compact as panel %}``: what the compact page's panel on the compact's
document shows (compacts.partnership.completeness), and whether the reader may complete it.
The page's body is cached per reader scope (roles included), so reading the role here is
safe."""

from django import template

from cpc.access import scoping

from ..partnership.completeness import compact_document_of, document_completeness

register = template.Library()


@register.simple_tag(takes_context=True)
def document_panel(context, compact) -> dict:
    return {"document": compact_document_of(compact),
            "completeness": document_completeness(compact),
            "can_edit": scoping.is_tip_staff(context["request"].user)}
