"""syndicator: a Chinese daily newspaper as RSS, Atom, JSON Feed and WeChat posts."""

__version__ = "0.1.0"
