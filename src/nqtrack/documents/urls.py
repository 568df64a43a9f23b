from django.urls import path

from nqtrack.documents import rule_views, views

app_name = "documents"
urlpatterns = [
    path("", views.document_list, name="list"),
    path("dang-ky/", views.document_create, name="create"),
    path("<int:pk>/", views.document_detail, name="detail"),
    path("<int:pk>/sua/", views.document_edit, name="edit"),
    path("<int:pk>/xoa/", views.document_delete, name="delete"),
    path("<int:pk>/lien-ket/", views.relation_add, name="relation-add"),
    path("<int:pk>/lien-ket/<int:relation_id>/xoa/", views.relation_delete, name="relation-delete"),
    path("<int:pk>/tep/", views.attachment_upload, name="attachment-upload"),
    path("tep/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("lich-so-ket-tong-ket/", views.review_calendar, name="calendar"),
    path("lich-so-ket-tong-ket/<str:token>.ics", views.review_calendar_feed, name="calendar-feed"),
    path("quy-tac-so-ket/", rule_views.rule_list, name="rules"),
    path("quy-tac-so-ket/rieng/them/", rule_views.local_rule_create, name="rule-create"),
    path("quy-tac-so-ket/rieng/<int:pk>/", rule_views.local_rule_edit, name="local-rule-edit"),
    path(
        "quy-tac-so-ket/rieng/<int:pk>/xoa/",
        rule_views.local_rule_delete,
        name="local-rule-delete",
    ),
    path("quy-tac-so-ket/<slug:level>/", rule_views.rule_edit, name="rule-edit"),
]
