"""Lines: the numbers callers dial, their hours, greeting and fallback number (admins)."""
