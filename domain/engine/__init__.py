"""The engine: carry one case as far as it goes, and sweep what is due."""
