"""Datasets shipped with tinygrad_mlp: Fisher's Iris and the Go MLP article's split."""

from tinygrad_mlp.datasets.iris import ArticleSplit, IrisData, load_article_split, load_iris

__all__ = ["ArticleSplit", "IrisData", "load_article_split", "load_iris"]
