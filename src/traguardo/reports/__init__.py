"""Reporting: the pages that show a cycle's results (the Relazione generator comes here)."""
