from django.urls import path

from nqtrack.organizations import user_views, views

app_name = "organizations"
urlpatterns = [
    path("", views.organization_tree, name="tree"),
    path("them/", views.organization_create, name="create"),
    path("nhap/", views.organization_import, name="import"),
    path("nguoi-dung/", user_views.user_list, name="users"),
    path("nguoi-dung/them/", user_views.user_create, name="user-create"),
    path("nguoi-dung/<str:username>/", user_views.user_edit, name="user-edit"),
    path("nguoi-dung/<str:username>/mo-khoa/", user_views.user_unlock, name="user-unlock"),
    path("<str:code>/", views.organization_detail, name="detail"),
    path("<str:code>/sua/", views.organization_edit, name="edit"),
    path("<str:code>/chuyen/", views.organization_move, name="move"),
    path("<str:code>/sap-nhap/", views.organization_merge, name="merge"),
]
