"""The report cards' pages (/schede/): the cards a user may see and one card with its results
and process. Templates stay under individual/templates/individual/."""
