from django.urls import path

from nqtrack.analytics import views

app_name = "analytics"
urlpatterns = [path("", views.dashboard, name="dashboard")]
