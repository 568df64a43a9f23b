from django.urls import path

from nqtrack.reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.round_list, name="list"),
    path("tao/", views.round_create, name="create"),
    path("<int:pk>/", views.round_detail, name="detail"),
    path("<int:pk>/nop/", views.submission_submit, name="submit"),
    path("<int:pk>/nhac/", views.round_remind, name="remind"),
    path("<int:pk>/mo-lai/", views.round_reopen, name="reopen"),
    path("<int:pk>/don-vi/<str:code>/", views.submission_detail, name="submission"),
    path("<int:pk>/don-vi/<str:code>/tra-lai/", views.submission_return, name="return"),
]
