"""Draws the diagrams of Part 2 into lessons/files/02_self_attention/figures/ (deterministic SVG).

Run: .venv/bin/python lessons/figures/02_self_attention.py
"""
import matplotlib
import numpy as np

import _svg  # noqa: E402  (Agg backend and deterministic SVG; writes the files)
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import FancyArrowPatch, Rectangle  # noqa: E402

GREY, INK = "#f0f0f0", "#222222"
FOCUS = matplotlib.colormaps["viridis"](0.3)           # the arrows of one query, "sat" (blue)
WORDS = ["The", "cat", "sat", "on", "the", "mat"]
FOCUS_QUERY = 2                                        # "sat"
# Made-up relevance scores, row = query, column = key (any real numbers: softmax turns each row into weights).
SCORES = np.array([
    [1.0, 0.5, 0.0, 0.0, 0.3, 0.2],
    [1.2, 1.0, 1.5, 0.0, 0.0, 0.4],
    [0.2, 2.0, 1.0, 0.3, 0.1, 1.0],
    [0.0, 0.2, 1.6, 0.6, 0.4, 1.3],
    [0.1, 0.0, 0.0, 0.3, 0.8, 1.8],
    [0.3, 0.6, 0.9, 1.3, 1.5, 0.8],
])


def weights(causal):
    """Row-wise softmax of SCORES; with causal, keys after the query are blocked (weight 0)."""
    s = np.where(np.tril(np.ones_like(SCORES, dtype=bool)) | (not causal), SCORES, -np.inf)
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def word_box(ax, x, y, text, face=GREY):
    ax.add_patch(Rectangle((x - 0.42, y - 0.22), 0.84, 0.44, facecolor=face, edgecolor=INK, linewidth=1.0))
    ax.text(x, y, text, ha="center", va="center", fontsize=10.5, color=INK)


def panel(ax, causal):
    w = weights(causal)
    n = len(WORDS)
    y_q, y_k = 0.0, 3.0
    ax.set(xlim=(-0.7, n - 0.3), ylim=(-0.95, 3.95))
    ax.axis("off")
    count = int((w > 0).sum())
    ax.set_title(("Causal mask: each query looks only at itself and earlier keys" if causal else
                  "Self-attention: every query looks at every key")
                 + f"\n({count} arrows; width and opacity = attention weight)", fontsize=11)
    for i in range(n):              # query
        for j in range(n):          # key
            if w[i, j] == 0:
                continue
            focus = i == FOCUS_QUERY
            ax.add_patch(FancyArrowPatch((i, y_q + 0.24), (j, y_k - 0.24), arrowstyle="-|>",
                                         mutation_scale=6 + 10 * w[i, j], linewidth=0.4 + 7 * w[i, j],
                                         color=FOCUS if focus else INK,
                                         alpha=min(1.0, 0.25 + w[i, j]) if focus else 0.08 + 0.75 * w[i, j],
                                         shrinkA=0, shrinkB=0, zorder=3 if focus else 2))
    for j in range(n):
        word_box(ax, j, y_k, WORDS[j])
        word_box(ax, j, y_q, WORDS[j], face="white" if j != FOCUS_QUERY else "#dde8f5")
        wj = w[FOCUS_QUERY, j]
        ax.text(j, y_k + 0.3, f"{wj:.2f}" if wj > 0 else "0", ha="center", va="bottom", fontsize=9,
                color=INK, weight="bold" if wj == w[FOCUS_QUERY].max() else "normal")
    ax.text(-0.62, y_k, "keys", ha="right", va="center", fontsize=10, color=INK, rotation=90)
    ax.text(-0.62, y_q, "queries", ha="right", va="center", fontsize=10, color=INK, rotation=90)
    ax.text((n - 1) / 2, y_k + 0.75, "numbers: the weights of the query “sat” (blue arrows), summing to 1",
            ha="center", va="bottom", fontsize=9, color=INK)
    ax.text((n - 1) / 2, y_q - 0.45, "each query row of weights sums to 1", ha="center", va="top",
            fontsize=9, color=INK)


def attention_arrows():
    """Every query position connected to every key position, arrow width/opacity = weight; and the causal version."""
    fig, axes = plt.subplots(1, 2, figsize=(13, 5.2))
    for ax, causal in zip(axes, (False, True)):
        panel(ax, causal)
    fig.tight_layout(w_pad=3)
    return fig


FIGURES = {"attention_arrows": attention_arrows}


def main():
    _svg.write("02_self_attention", FIGURES)


if __name__ == "__main__":
    main()
