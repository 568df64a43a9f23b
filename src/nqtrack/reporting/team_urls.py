from django.urls import path

from nqtrack.reporting import team_views

app_name = "teams"
urlpatterns = [
    path("", team_views.team_list, name="list"),
    path("<int:pk>/", team_views.team_detail, name="detail"),
    path("<int:pk>/theo-doi/", team_views.team_follow, name="follow"),
]
