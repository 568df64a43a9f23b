from django.urls import path

from nqtrack.reviews import views

app_name = "reviews"
urlpatterns = [
    path("", views.review_list, name="list"),
    path("ke-hoach/", views.review_plan, name="plan"),
    path("<int:pk>/", views.review_detail, name="detail"),
    path("<int:pk>/du-thao.docx", views.review_draft, name="draft"),
    path("<int:pk>/phu-luc/<slug:key>.xlsx", views.review_table, name="table"),
    path("<int:pk>/khao-sat/", views.review_survey, name="survey"),
    path("<int:pk>/<slug:name>/", views.review_action, name="action"),
]
