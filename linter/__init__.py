"""parlint: a linter for AI-agent transcripts and plans."""

__version__ = "0.1.0"
