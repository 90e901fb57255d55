"""Imports every domain's task module so the registry is complete in workers and in the app."""
