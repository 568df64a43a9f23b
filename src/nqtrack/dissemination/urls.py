from django.urls import path

from nqtrack.dissemination.views import essays, members, overview, plans, sessions

app_name = "dissemination"
urlpatterns = [
    path("", overview.overview, name="home"),
    path("dang-vien/", members.member_list, name="members"),
    path("dang-vien/them/", members.member_create, name="member-create"),
    path("dang-vien/nhap/", members.member_import, name="member-import"),
    path("dang-vien/<str:code>/", members.member_detail, name="member"),
    path("dang-vien/<str:code>/sua/", members.member_edit, name="member-edit"),
    path("dang-vien/<str:code>/xoa/", members.member_delete, name="member-delete"),
    path("ke-hoach/", plans.plan_list, name="plans"),
    path("ke-hoach/tao/", plans.plan_create, name="plan-create"),
    path("ke-hoach/<int:pk>/", plans.plan_detail, name="plan"),
    path("ke-hoach/<int:pk>/sua/", plans.plan_edit, name="plan-edit"),
    path("ke-hoach/<int:pk>/tai-lieu/", plans.plan_material, name="plan-material"),
    path("ke-hoach/<int:pk>/xoa/", plans.plan_delete, name="plan-delete"),
    path("bao-cao-vien/", plans.speaker_list, name="speakers"),
    path("bao-cao-vien/them/", plans.speaker_form, name="speaker-create"),
    path("bao-cao-vien/<int:pk>/sua/", plans.speaker_form, name="speaker-edit"),
    path("hoi-nghi/", sessions.session_list, name="sessions"),
    path("hoi-nghi/tao/", sessions.session_create, name="session-create"),
    path("hoi-nghi/<int:pk>/", sessions.session_detail, name="session"),
    path("hoi-nghi/<int:pk>/sua/", sessions.session_edit, name="session-edit"),
    path("hoi-nghi/<int:pk>/moi/", sessions.session_invite, name="session-invite"),
    path("hoi-nghi/<int:pk>/xoa/", sessions.session_delete, name="session-delete"),
    path("hoi-nghi/<int:pk>/nhap-diem-danh/", sessions.attendance_import, name="attendance-import"),
    path("nhap/<int:pk>/", sessions.job_detail, name="job"),
    path("nhap/<int:pk>/tien-do/", sessions.job_progress, name="job-progress"),
    path("bai-thu-hoach/", essays.essay_entry, name="essays"),
    path("bai-thu-hoach/nhap/", essays.scores_import, name="scores-import"),
    path("cau-hoi/", essays.question_list, name="questions"),
    path("tuyen-truyen/", essays.outreach_list, name="outreach"),
    path("tuyen-truyen/ghi-nhan/", essays.outreach_create, name="outreach-create"),
    path("tuyen-truyen/<int:pk>/sua/", essays.outreach_edit, name="outreach-edit"),
    path("tuyen-truyen/<int:pk>/xoa/", essays.outreach_delete, name="outreach-delete"),
]
