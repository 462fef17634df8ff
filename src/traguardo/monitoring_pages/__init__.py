"""The monitoring pages (/monitoraggio/): to-do list, value entry with its impact on the
scores, evidence, validation, campaigns. Templates stay under monitoring/templates/monitoring/."""
