"""Benchmark of the Relazione sulla performance: seconds per format for the full 2019 report.

Run from the repository root (the 2019 demo must be loaded: ``traguardo load-demo``)::

    .venv/bin/python bench/relazione.py                 # every format, 3 runs each
    .venv/bin/python bench/relazione.py --runs 3 --formats pdf docx
    .venv/bin/python bench/relazione.py --runs 3 --formats pdf docx --weasyprint

What it measures: the wall-clock seconds and the CPU seconds of the process (every thread;
steadier on a shared machine) of ``generate(cycle, format)`` (the function the web jobs and
``traguardo report`` call), per format, best and median of ``--runs`` runs, on the database
of the current settings (SQLite under var/ by default). Each run includes scoring the
cycle, reading the plan from the database, assembling the document and writing the file.
The first run of the process also imports the libraries; that is reported apart
("warm-up").

Then, in the same run, the PDF compared with LibreOffice: ``soffice --headless
--convert-to pdf`` turning the DOCX generated above into PDF (the usual way to get a PDF out
of a Word file), its wall time and its CPU time (the child processes', from
``getrusage(RUSAGE_CHILDREN)``), and how many times our PDF (``generate(cycle, "pdf")``,
Typst, scoring and database reading included) is faster. LibreOffice gets the finished DOCX
for free: the comparison leans its way. ``--weasyprint`` adds the previous route (the same
document through HTML and WeasyPrint) for reference. Without ``soffice`` on the PATH the
script says so and skips the comparison (Debian: ``apt-get install libreoffice-writer-nogui``).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "traguardo.project.settings")


def main() -> int:
    import django

    django.setup()
    from traguardo.reports.relazione.generate import FORMATS, generate
    from traguardo.scoring.services import CycleNotFound, get_cycle

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2019)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--formats", nargs="*", default=list(FORMATS), choices=FORMATS)
    parser.add_argument(
        "--weasyprint", action="store_true", help="also time the previous WeasyPrint PDF route"
    )
    args = parser.parse_args()
    try:
        cycle = get_cycle(args.year)
    except CycleNotFound as exc:
        print(f"Errore: {exc}", file=sys.stderr)
        return 2
    print(
        f"Relazione {cycle.year} di {cycle.entity} · Python {platform.python_version()} · "
        f"{platform.machine()} · {os.cpu_count()} CPU · carico "
        + " ".join(f"{x:.2f}" for x in os.getloadavg())
    )
    start = time.perf_counter()
    generate(cycle, "html")  # imports, first queries, content seeded if missing
    print(f"warm-up (first generation, HTML): {time.perf_counter() - start:6.2f} s")
    docx_bytes = b""
    best: dict[str, tuple[float, float]] = {}  # format -> (wall, CPU), best runs
    print(
        f"{'formato':<12}{'migliore (s)':>14}{'mediana (s)':>14}{'CPU (s)':>10}{'dimensione':>14}"
    )
    for fmt in args.formats:
        times, cpu, size = [], [], 0
        for _ in range(args.runs):
            start, cpu_start = time.perf_counter(), time.process_time()
            result = generate(cycle, fmt)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - cpu_start)
            size = len(result.content)
            if fmt == "docx":
                docx_bytes = result.content
        best[fmt] = (min(times), min(cpu))
        _line(fmt, times, cpu, size)
    if args.weasyprint:
        from traguardo.reports.relazione.content import build_document
        from traguardo.reports.relazione.pdf import render_pdf_weasyprint

        times, cpu, size = [], [], 0
        for _ in range(args.runs):
            start, cpu_start = time.perf_counter(), time.process_time()
            size = len(render_pdf_weasyprint(build_document(cycle)))
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - cpu_start)
        _line("weasyprint", times, cpu, size, "(stesso documento, HTML -> WeasyPrint)")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print(
            "LibreOffice: soffice non trovato nel PATH, confronto DOCX -> PDF saltato "
            "(apt-get install libreoffice-writer-nogui)"
        )
        return 0
    if not docx_bytes:
        docx_bytes = generate(cycle, "docx").content
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "relazione.docx"
        source.write_bytes(docx_bytes)
        profile = Path(folder) / "profile"
        times, cpu = [], []
        for _ in range(args.runs):
            start = time.perf_counter()
            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run(
                [
                    soffice,
                    f"-env:UserInstallation=file://{profile}",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    folder,
                    str(source),
                ],
                check=True,
                capture_output=True,
                timeout=600,
            )
            times.append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime)
        pdf = Path(folder) / "relazione.pdf"
        _line("soffice", times, cpu, pdf.stat().st_size, "(DOCX generato -> PDF, LibreOffice)")
    print("carico a fine misura: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    if "pdf" in best:
        wall, process = best["pdf"]
        print(
            f"PDF contro LibreOffice (migliori): tempo {min(times) / wall:.1f}x, "
            f"CPU {min(cpu) / process:.1f}x più veloce"
        )
    return 0


def _line(name: str, times: list[float], cpu: list[float], size: int, note: str = "") -> None:
    print(
        f"{name:<12}{min(times):>14.2f}{statistics.median(times):>14.2f}{min(cpu):>10.2f}"
        f"{size / 1024:>11.0f} KB   {note}".rstrip()
    )


if __name__ == "__main__":
    raise SystemExit(main())
