"""Writers per format. Formula neutralisation and the consent filter live here only."""

from .document import Document, Heatmap, Section

__all__ = ["Document", "Heatmap", "Section", "write"]


def write(document, fmt, target):  # replaced by the real writers
    raise NotImplementedError
