"""Cosine ranking and explanations over profile matrices (numpy/scipy only, no database).

* :func:`score_matrix` -- dense member x opportunity scores (mission planning sizes);
* :func:`top_k` -- each query row's best pool rows, in blocks with ``argpartition``;
* :func:`contributions` -- per-block breakdown, shared features and the "why" of pairs;
* :func:`mission_scores` -- member x mission fit for the planner.
"""

from .explain import Contribution, FeatureSpace, contributions, explain
from .scores import MissionScores, TopK, mission_columns, mission_scores, score_matrix, top_k

__all__ = [
    "Contribution", "FeatureSpace", "MissionScores", "TopK", "contributions", "explain",
    "mission_columns", "mission_scores", "score_matrix", "top_k",
]
