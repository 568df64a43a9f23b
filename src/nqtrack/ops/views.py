from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from nqtrack.ops.selectors import installation_health


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: no login, statuses and counts only."""
    health = installation_health()
    return JsonResponse(health.as_dict(), status=200 if health.ok else 503)
