from django.urls import path

from nqtrack.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("da-doc/", views.notification_read_all, name="read-all"),
]
