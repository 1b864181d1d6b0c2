"""Game representations (extensive and normal form), their file formats and readable equilibria.

Building a game from a scenario is :func:`escalade.engine.game_builder.build_game`
(the engine plays the scenario's rounds); this package knows nothing of scenarios.
"""
