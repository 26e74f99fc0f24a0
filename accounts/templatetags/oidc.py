from django import template

from accounts.oidc import provider_name

register = template.Library()


@register.simple_tag
def oidc_provider_name():
    """The identity provider's name for the login page's button; None when it is off."""
    return provider_name()
