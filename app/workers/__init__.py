"""Duty and on-call workers: who they are, which lines they answer, whether available."""
