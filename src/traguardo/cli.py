"""``traguardo``: the command line (load-demo, score, explain, and every manage.py command)."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "traguardo.project.settings")
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError, IntegrityError

    import django

    django.setup()
    args = list(sys.argv[1:] if argv is None else argv)
    if args:
        args[0] = args[0].replace("-", "_")  # load-demo -> load_demo
    # CommandError is printed as a one-line message with exit status 1 by Django itself;
    # a database that is missing or not migrated gets a message, not a traceback.
    try:
        execute_from_command_line(["traguardo", *args])
    except IntegrityError as exc:
        # The data refuses the change (a protected or duplicated row): running the same
        # command again would fail the same way, so no advice to retry.
        print(
            f"Errore del database: i dati presenti impediscono l'operazione ({exc}).",
            file=sys.stderr,
        )
        return 2
    except DatabaseError as exc:
        print(
            f"Errore del database: {exc}. Il database esiste ed è aggiornato? "
            "Esegui «python manage.py migrate».",
            file=sys.stderr,
        )
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
