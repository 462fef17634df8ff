"""The scoring app stores no rows of its own: cached scores are keyed by the cycle's
`data_version` (plans.versions), which the write services bump."""
