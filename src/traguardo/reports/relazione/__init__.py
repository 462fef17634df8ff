"""The Relazione sulla performance generated from the data.

``content.build_document(cycle)`` assembles one :class:`document.Document` (sections,
tables, charts, narratives with their placeholders filled); the renderers turn that same
document into HTML, PDF (WeasyPrint), DOCX (python-docx) and XLSX (openpyxl), so every
format carries the same figures. ``opendata`` exports the plan and its scores as CSV/JSON.
"""
