"""Amministrazione trasparente, section "Performance": the public documents of each
published cycle (D.Lgs. 33/2013, artt. 10 and 20), downloadable without signing in."""
