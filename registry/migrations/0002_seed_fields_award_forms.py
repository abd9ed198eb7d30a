from django.db import migrations

FIELDS = [
    # (name, standard field, order)
    ("Kinh tế", "economy", 10),
    ("Văn hóa - xã hội", "culture_society", 20),
    ("Quốc phòng - an ninh", "defence_security", 30),
    ("Xây dựng hệ thống chính trị", "political_system", 40),
    ("Phát triển kinh tế, xây dựng nông thôn mới", "economy", 11),
    ("Xây dựng nông thôn mới", "economy", 12),
    ("Giảm nghèo, an sinh xã hội", "culture_society", 21),
    ("Xây dựng đô thị văn minh", "culture_society", 22),
    ("Bảo vệ môi trường", "culture_society", 23),
    ("An ninh trật tự", "defence_security", 31),
    ("Cải cách hành chính, xây dựng cơ quan, công sở", "political_system", 41),
    ("Xây dựng tổ chức Mặt trận, đoàn thể vững mạnh", "political_system", 42),
    ("Xây dựng Đảng, chính quyền trong sạch, vững mạnh", "political_system", 43),
]

AWARD_FORMS = [
    ("Bằng khen", 10),
    ("Giấy khen", 20),
    ("Cờ thi đua", 30),
    ("Giấy chứng nhận", 40),
    ("Thư khen", 50),
]


def seed(apps, schema_editor):
    Field = apps.get_model("registry", "Field")
    AwardForm = apps.get_model("registry", "AwardForm")
    for name, standard, order in FIELDS:
        Field.objects.get_or_create(name=name, defaults={"standard": standard, "order": order})
    for name, order in AWARD_FORMS:
        AwardForm.objects.get_or_create(name=name, defaults={"order": order})


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
