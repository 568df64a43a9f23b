from django.db import migrations

# Audience groups named by study guides; data that administrators may extend.
GROUPS = [
    ("key_cadres", "Cán bộ chủ chốt", 10),
    ("office_members", "Đảng viên khối cơ quan", 20),
    ("teachers", "Giáo viên", 30),
    ("armed_forces", "Lực lượng vũ trang", 40),
    ("rural_members", "Đảng viên nông thôn", 50),
    ("enterprise_members", "Đảng viên khối doanh nghiệp", 60),
    ("all_members", "Toàn thể đảng viên", 70),
]


def add_groups(apps, schema_editor):
    AudienceGroup = apps.get_model("dissemination", "AudienceGroup")
    for slug, name, rank in GROUPS:
        AudienceGroup.objects.get_or_create(slug=slug, defaults={"name": name, "rank": rank})


class Migration(migrations.Migration):
    dependencies = [("dissemination", "0001_study_and_essays")]
    operations = [migrations.RunPython(add_groups, migrations.RunPython.noop)]
