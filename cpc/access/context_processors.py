from . import scoping
from .roles import ROLE_LABELS


def roles(request):
    user = getattr(request, "user", None)
    user_roles = scoping.user_roles(user) if user else frozenset()
    return {
        "user_roles": user_roles,
        "user_role_labels": [ROLE_LABELS[r] for r in sorted(user_roles)],
        "is_tip_staff": "tip_staff" in user_roles,
        "is_auditor": "auditor" in user_roles,
        "is_embassy_officer": "embassy_officer" in user_roles,
        "is_implementer": "implementer" in user_roles,
    }
