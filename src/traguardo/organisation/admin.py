"""The organisation's models are registered in the admin by `plans.organisation_admin`:
an edit of a unit or a person changes the scores of the entity's cycles, and recording it
(audit entry, data version) belongs to the plans layer, above this app."""
