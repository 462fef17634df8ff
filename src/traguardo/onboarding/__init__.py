"""Onboarding pages: the installation administrator's `/installazione/` (administrations,
their first cycle, their first users) and the performance office's `/ente/` (its users and
roles, its first cycle). Every write goes through plans.onboarding and monitoring.cycles."""
