"""Conversation records and callback tasks: what a call left for staff to do."""
