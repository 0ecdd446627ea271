"""Staff accounts: users, their roles, the worker a social worker is."""
