"""Individual performance: the report cards (schede) of managers and PO holders."""
