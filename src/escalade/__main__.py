"""``python -m escalade``: the command line."""

from escalade.cli import entry_point

if __name__ == "__main__":
    entry_point()
