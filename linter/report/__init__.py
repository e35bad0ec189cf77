"""Reporters: turn a run's result into text for people or JSON for tools."""
