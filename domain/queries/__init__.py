"""Read models per audience: typed, no side effects. What the CLI, flows, web and messages read."""
