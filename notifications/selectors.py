"""What the notification pages read: always the reader's own."""

from .models import MutedKind, Notification


def notifications_of(user):
    """The person's notifications, newest first (the model's order)."""
    return Notification.objects.filter(recipient=user)


def muted_kinds(user) -> set[str]:
    return set(MutedKind.objects.filter(user=user).values_list("kind", flat=True))
