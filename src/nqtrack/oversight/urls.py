from django.urls import path

from nqtrack.oversight import views

app_name = "oversight"
urlpatterns = [
    path("", views.round_list, name="list"),
    path("tao/", views.round_create, name="create"),
    path("<int:pk>/", views.round_detail, name="detail"),
    path("<int:pk>/sua/", views.round_edit, name="edit"),
    path("<int:pk>/ket-luan/", views.conclusion_set, name="conclusion"),
    path("<int:pk>/don-vi/<str:code>/phat-hien/", views.finding_add, name="finding"),
    path("<int:pk>/don-vi/<str:code>/khac-phuc/", views.remediation_add, name="remediation"),
    path("<int:pk>/khac-phuc/<int:item_id>/xac-nhan/", views.remediation_verify, name="verify"),
    path("<int:pk>/ket-thuc/", views.round_close, name="close"),
    path("<int:pk>/mo-lai/", views.round_reopen, name="reopen"),
]
