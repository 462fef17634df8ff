"""Background jobs: the state every job shares, and how it is run, watched and retried."""
