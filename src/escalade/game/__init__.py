"""Game representations (extensive and normal form) and building games from scenarios."""
