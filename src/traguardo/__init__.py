"""Traguardo: the performance cycle of an Italian public administration (D.Lgs. 150/2009)."""

__version__ = "0.1.0"
