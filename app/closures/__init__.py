"""Declared closures and openings (hours overrides): when a line's hours are not its usual."""
