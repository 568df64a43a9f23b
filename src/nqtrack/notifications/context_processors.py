from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from nqtrack.notifications.models import Notification


def unread(request: HttpRequest) -> dict[str, Any]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {
        "unread_notifications": Notification.objects.filter(
            user=request.user, read_at__isnull=True
        ).count()
    }
