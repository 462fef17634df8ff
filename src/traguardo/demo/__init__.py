"""The built-in demo: the 2019 cycle of the CCIAA di Treviso-Belluno, from its Relazione."""
