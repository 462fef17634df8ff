"""Two connections that each read and then write inside a transaction must both succeed.

On SQLite a deferred transaction that has read cannot take the write lock while another
connection is committing: SQLite refuses it at once ("database is locked") instead of
waiting. That broke the Relazione generated in a background thread while the page was in
use. The settings make transactions take the write lock when they begin.
"""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction


@pytest.mark.django_db(transaction=True)
def test_read_then_write_beside_a_committing_writer() -> None:
    other_wrote = threading.Event()
    we_are_in = threading.Event()
    errors: list[BaseException] = []

    def other_writer() -> None:
        try:
            with transaction.atomic():
                Group.objects.create(name="scrittore in background")
                other_wrote.set()
                # Commit while the main thread is (or tries to be) inside its transaction.
                we_are_in.wait(timeout=1.5)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=other_writer)
    thread.start()
    assert other_wrote.wait(timeout=10)
    with transaction.atomic():
        we_are_in.set()
        already = Group.objects.filter(name__startswith="pagina").exists()  # read ...
        Group.objects.create(name="pagina")  # ... then write
    thread.join(timeout=30)
    assert not errors, errors
    assert not already
    assert set(Group.objects.values_list("name", flat=True)) == {
        "scrittore in background",
        "pagina",
    }
