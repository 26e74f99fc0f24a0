from django import forms
from django.utils.translation import gettext_lazy as _

ERR_WRONG_CODE = _("That code is not right, or was already used. Try the next code from "
                   "your app, or a recovery code.")
ERR_WRONG_PASSWORD = _("That password is not right.")


class CodeForm(forms.Form):
    """A code from the authenticator app (six digits) or a recovery code."""

    code = forms.CharField(label=_("Code"), max_length=32, strip=True)


class ReauthForm(forms.Form):
    password = forms.CharField(label=_("Password"), max_length=4096, strip=False,
                               widget=forms.PasswordInput)
    code = forms.CharField(label=_("Code from your authenticator app, or a recovery code"),
                           max_length=32, strip=True, required=False)

    def __init__(self, *args, needs_code: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_code = needs_code
        self.fields["code"].required = needs_code
