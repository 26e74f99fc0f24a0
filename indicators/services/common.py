"""What the indicator services share: the refusal of a write outside the user's countries and
the bound on a change reason."""

from django.utils.translation import gettext_lazy as _

ERR_NOT_YOUR_COUNTRY = _("You may not record data for this country.")
# The history keeps the reason in a text column (see settings); this bound only stops abuse.
CHANGE_REASON_MAX_LENGTH = 2000
