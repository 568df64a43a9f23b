from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from nqtrack.assignments import api as assignments_api
from nqtrack.core import views as core_views
from nqtrack.dissemination import api as dissemination_api
from nqtrack.documents import api as documents_api
from nqtrack.documents import rule_api
from nqtrack.ops import views as ops_views
from nqtrack.organizations import api as organizations_api
from nqtrack.oversight import api as oversight_api
from nqtrack.reporting import api as reporting_api
from nqtrack.reviews import api as reviews_api

router = DefaultRouter()
router.register("organizations", organizations_api.OrganizationViewSet, basename="organization")
router.register("documents", documents_api.DocumentViewSet, basename="document")
router.register("review-rules", rule_api.ReviewRuleViewSet, basename="review-rule")
router.register("tasks", assignments_api.TaskViewSet, basename="task")
router.register("reporting-rounds", reporting_api.ReportingRoundViewSet, basename="reporting-round")
router.register("reviews", reviews_api.ReviewViewSet, basename="review")
dissemination_api.register(router)
router.register("oversight-rounds", oversight_api.OversightRoundViewSet, basename="oversight-round")

api_urlpatterns = [
    path("documents/parse", documents_api.parse_text, name="documents-parse"),
    path("documents/parse/", documents_api.parse_text_with_slash),
    path("deadlines/parse", assignments_api.parse_deadline_view, name="deadlines-parse"),
    path("deadlines/parse/", assignments_api.parse_deadline_with_slash),
    path("tasks/extract", assignments_api.extract_tasks_view, name="tasks-extract"),
    path("tasks/extract/", assignments_api.extract_tasks_with_slash),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script for the CSP.
    # Its page keeps one small <style> block, hence the per-view style-src.
    path(
        "docs/",
        csp_update({"style-src": [UNSAFE_INLINE]})(
            SpectacularSwaggerSplitView.as_view(url_name="schema")
        ),
        name="api-docs",
    ),
    path("", include(router.urls)),
]

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", ops_views.healthz, name="healthz"),
    path(
        "dang-nhap/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"
    ),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("ngon-ngu/", set_language, name="set_language"),
    path("van-ban/", include("nqtrack.documents.urls")),
    path("hoc-tap/", include("nqtrack.dissemination.urls")),
    path("to-chuc/", include("nqtrack.organizations.urls")),
    path("nhiem-vu/", include("nqtrack.assignments.urls")),
    path("thong-ke/", include("nqtrack.analytics.urls")),
    path("thong-bao/", include("nqtrack.notifications.urls")),
    path("bao-cao/", include("nqtrack.reporting.urls")),
    path("to-ra-soat/", include("nqtrack.reporting.team_urls")),
    path("so-ket-tong-ket/", include("nqtrack.reviews.urls")),
    path("giam-sat/", include("nqtrack.oversight.urls")),
    path("api/v1/", include(api_urlpatterns)),
    path("quan-tri/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
