"""Nothing of the scoring app is edited in the admin."""
