"""Steps shared by the commands and the engine. Never registered, never import commands."""
