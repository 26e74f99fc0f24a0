"""The second factor: a TOTP authenticator app, with ten single-use recovery codes.

Devices are django-otp's: one confirmed ``TOTPDevice`` (named ``authenticator``) and one
``StaticDevice`` holding the recovery codes (named ``recovery codes``). Enrolment makes an
unconfirmed TOTP device; the first right code confirms it, replaces any earlier devices and
issues new recovery codes, shown once.

Guessing: every refused code counts as a failed sign-in for django-axes (the username and
address are locked out after ``AXES_FAILURE_LIMIT`` failures) and raises django-otp's own
throttle on the device (after n failures in a row the device refuses every code, even the
right one, for 2**(n-1) seconds), which a new password sign-in does not reset.
"""

import base64
import io
import secrets

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cpc import signals
from cpc.access.roles import AUDITOR, TIP_STAFF
from cpc.access.scoping import user_roles

AUTHENTICATOR = "authenticator"
RECOVERY_CODES = "recovery codes"
RECOVERY_CODE_COUNT = 10
# Ten characters of an alphabet without look-alikes (no 0/o, 1/l/i): about 48 bits each.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def mfa_required(user) -> bool:
    """Whether ``user`` must sign in with a second factor: TIP staff (superusers included)
    and auditors, while ``REQUIRE_MFA`` is on."""
    if not settings.REQUIRE_MFA or not user.is_authenticated:
        return False
    return bool(user_roles(user) & {TIP_STAFF, AUDITOR}) or user.is_superuser


def has_second_factor(user) -> bool:
    return user.is_authenticated and user_has_device(user, confirmed=True)


def needs_code(user) -> bool:
    """Whether signing in takes a code as well as the password (the API token too)."""
    return has_second_factor(user) or mfa_required(user)


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _recovery_code() -> str:
    return "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))


def totp_device_pending(*, user) -> TOTPDevice:
    """The unconfirmed device the enrolment page shows: the one already begun, else a new
    one (a new key)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)
    return device


def totp_key_text(device: TOTPDevice) -> str:
    """The key as an authenticator app takes it typed in: base32, in groups of four."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))


def totp_provisioning_uri(device: TOTPDevice) -> str:
    return device.config_url


def qr_svg_data_uri(text: str) -> str:
    """``text`` as a QR code: an SVG image in a ``data:`` URI (the CSP allows data: images,
    and an image runs no script)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@transaction.atomic
def totp_device_confirm(*, user, device: TOTPDevice, code: str, request=None) -> list[str] | None:
    """Confirm the pending ``device`` with a code from the app. On the right code: earlier
    devices are removed, the device is confirmed, and new recovery codes are made and
    returned (to be shown once). On a wrong one: ``None``, counted as a failed code."""
    device = TOTPDevice.objects.select_for_update().filter(
        pk=device.pk, user=user, confirmed=False).first()
    # (None: confirmed or replaced meanwhile, by a second submission of the form.)
    if device is None or not device.verify_token(_digits(code)):
        mfa_failure(user=user, request=request)
        return None
    for old in devices_for_user(user, confirmed=None):
        if old.pk != device.pk or not isinstance(old, TOTPDevice):
            old.delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = recovery_codes_issue(user=user)
    signals.mfa_enrolled.send(sender=TOTPDevice, user=user, request=request, device=device)
    return codes


@transaction.atomic
def recovery_codes_issue(*, user) -> list[str]:
    """Ten new recovery codes in place of any left; each works once."""
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=RECOVERY_CODES, confirmed=True)
    codes = [_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return codes


def _digits(code: str) -> str:
    return "".join(str(code or "").split())


def mfa_check(*, user, code: str, request=None):
    """The confirmed device that accepts ``code`` (a code of the app, or a recovery code,
    which is then used up), else ``None``: counted as a failed sign-in (django-axes) and
    sent as ``mfa_failed``."""
    code = _digits(code).lower()
    device = None
    if code:
        with transaction.atomic():
            for candidate in devices_for_user(user, confirmed=True, for_verify=True):
                if isinstance(candidate, TOTPDevice) and not code.isdigit():
                    continue
                if candidate.verify_token(code):
                    device = candidate
                    break
    if device is None:
        mfa_failure(user=user, request=request)
    return device


def mfa_failure(*, user, request) -> None:
    signals.mfa_failed.send(sender=TOTPDevice, user=user, request=request)
    # django-axes counts this like a wrong password for this username and address.
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()},
                           request=request)


@transaction.atomic
def mfa_remove(*, user, request=None) -> int:
    """Remove the user's second factor (authenticator and recovery codes)."""
    removed = 0
    for device in devices_for_user(user, confirmed=None):
        if device.confirmed and isinstance(device, TOTPDevice):
            signals.mfa_removed.send(sender=TOTPDevice, user=user, request=request,
                                     device=device)
        device.delete()
        removed += 1
    return removed
