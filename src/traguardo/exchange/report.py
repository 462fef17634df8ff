"""The import result as text for the command line."""

from __future__ import annotations

from traguardo.exchange.result import ACTION_LABELS, Action, ImportResult


def text_report(result: ImportResult, *, limit: int = 50) -> str:
    lines: list[str] = []
    if result.issues:
        lines.append(
            f"{len(result.issues)} problemi: non è stato salvato nulla. Correggi il file e riprova."
        )
        lines.extend(f"  - {issue}" for issue in result.issues[:limit])
        if len(result.issues) > limit:
            lines.append(f"  … e altri {len(result.issues) - limit}")
        return "\n".join(lines)
    for warning in result.warnings:
        lines.append(f"avviso: {warning}")
    head = "Anteprima (nulla è stato salvato)" if result.dry_run else "Importazione completata"
    totals = result.totals()
    lines.append(
        f"{head}: {result.rows} righe lette; "
        + ", ".join(f"{totals[a.value]} {ACTION_LABELS[a]}" for a in Action)
    )
    for sheet, counts in result.counts().items():
        lines.append(
            f"  {sheet}: " + ", ".join(f"{counts[a.value]} {ACTION_LABELS[a]}" for a in Action)
        )
    shown = [c for c in result.changes if c.action is not Action.UNCHANGED]
    for change in shown[:limit]:
        fields = f" ({', '.join(change.fields)})" if change.fields else ""
        lines.append(
            f"    {ACTION_LABELS[change.action]}: {change.sheet} riga {change.row} "
            f"{change.code}{fields}"
        )
    if len(shown) > limit:
        lines.append(f"    … e altre {len(shown) - limit} righe")
    return "\n".join(lines)
