"""Load staff.yaml: groups of the 2019 staff, expanded into anonymous records."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from traguardo.demo.people import read
from traguardo.plans.models import Cycle
from traguardo.staff.models import StaffRecord


@transaction.atomic
def load_staff(cycle: Cycle, folder: Path | None = None) -> int:
    data = read(cycle, "staff.yaml", folder)
    StaffRecord.objects.filter(cycle=cycle).delete()
    records: list[StaffRecord] = []
    for group in data.get("groups", []):
        category = str(group["category"])
        role = "dirigente" if category.lower().startswith("dirigent") else "staff"
        for gender, key in (("F", "women"), ("M", "men")):
            part_time = int(group.get(f"part_time_{key}", 0))
            for i in range(int(group.get(key, 0))):
                records.append(
                    StaffRecord(
                        cycle=cycle,
                        code=f"D{len(records) + 1:03}",
                        gender=gender,
                        category=category,
                        age_band=str(group["age_band"]),
                        part_time=i < part_time,
                        role=role,
                        is_example=True,
                    )
                )
    StaffRecord.objects.bulk_create(records)
    return len(records)
