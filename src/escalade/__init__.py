"""escalade: make the reasoning behind escalation-crisis analysis explicit.

Actors, escalation ladders per arena, options with costs and effects,
adversary mindsets, chance and accidents, deep uncertainty; simulated,
solved, explored and reported, with every assumption traced to its source.
"""

from escalade._version import __version__
from escalade.errors import EscaladeError

__all__ = ["EscaladeError", "__version__"]
