"""pytest-looker."""
