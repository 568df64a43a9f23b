from django.urls import path

from nqtrack.assignments import extract_views, programme_views, views

app_name = "assignments"
urlpatterns = [
    path("", views.task_inbox, name="inbox"),
    path("tat-ca/", views.task_list, name="list"),
    path("chuong-trinh/<int:pk>/", programme_views.cascade, name="cascade"),
    path("chuong-trinh/<int:pk>/nhac/", programme_views.cascade_remind, name="cascade-remind"),
    path("chi-tieu/<int:pk>/", programme_views.targets, name="targets"),
    path("trich-xuat/<int:pk>/", extract_views.extract, name="extract"),
    path("minh-chung/<int:evidence_id>/", views.evidence_download, name="evidence"),
    path("<int:pk>/", views.task_detail, name="detail"),
    path("<int:pk>/gia-han/", views.task_extension, name="extension"),
    path("<int:pk>/gia-han/<int:extension_id>/quyet-dinh/", views.task_decide, name="decide"),
    path("<int:pk>/danh-gia/", views.task_assess, name="assess"),
    path("<int:pk>/<str:event>/", views.task_event, name="event"),
]
