"""Draws the diagrams of Part 4 into lessons/files/04_positional_encoding/figures/ (deterministic SVG).

Run: .venv/bin/python lessons/figures/04_positional_encoding.py
"""
import matplotlib

import _svg  # noqa: E402  (Agg backend and deterministic SVG; writes the files)
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.colors import Normalize  # noqa: E402
from matplotlib.patches import FancyArrowPatch, Rectangle  # noqa: E402

INK = "#222222"
CMAP, NORM = matplotlib.colormaps["RdBu"], Normalize(vmin=-2, vmax=2)


def sinusoidal(max_len, d_model):
    """The paper's encoding (Vaswani et al., 2017, §3.5): sin in column 2i, cos in column 2i+1."""
    pos = np.arange(max_len)[:, None]
    j = np.arange(d_model)[None, :]
    angle = pos / 10000.0 ** (2 * (j // 2) / d_model)
    return np.where(j % 2 == 0, np.sin(angle), np.cos(angle))


def cells(ax, x, y, values, w=1.0, h=1.0):
    """One row of coloured cells (one vector), lower-left corner at (x, y)."""
    for j, v in enumerate(values):
        ax.add_patch(Rectangle((x + j * w, y), w, h, facecolor=CMAP(NORM(v)), edgecolor=INK, linewidth=0.5))


def embedding_plus_position():
    words = "the cat chased the mouse".split()
    d_model = 8
    rng = np.random.default_rng(0)
    table = {w: rng.normal(size=d_model) for w in dict.fromkeys(words)}    # illustrative embeddings
    E = np.stack([table[w] for w in words])                               # (T, d_model)
    PE = sinusoidal(len(words), d_model)                                  # (T, d_model)

    fig, ax = plt.subplots(figsize=(12, 5.4))
    T = len(words)
    ax.set(xlim=(-7.5, 47), ylim=(-1.6, T + 3.8))
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("The input of the first layer: word embedding + positional encoding, position by position", fontsize=12)
    cols = {"E": 0, "PE": 13, "X": 26}
    heads = {"E": "√d_model · e(word)\n(embedding table:\nsame word, same row)",
             "PE": "PE[t]\n(sinusoidal, §3.5:\nsame position, same row)",
             "X": "x_t\n(their sum: the input\nof the first layer)"}
    for key, x in cols.items():
        ax.text(x + d_model / 2, T + 0.5, heads[key], ha="center", va="bottom", fontsize=9.5, color=INK)
    for t, w in enumerate(words):
        y = T - 1 - t                                                     # position 0 on top
        ax.text(-0.6, y + 0.5, f"position {t}: “{w}”", ha="right", va="center", fontsize=10, color=INK)
        cells(ax, cols["E"], y, E[t])
        ax.text(cols["E"] + d_model + 2.5, y + 0.5, "+", ha="center", va="center", fontsize=14, color=INK)
        cells(ax, cols["PE"], y, PE[t])
        ax.text(cols["PE"] + d_model + 2.5, y + 0.5, "=", ha="center", va="center", fontsize=14, color=INK)
        cells(ax, cols["X"], y, E[t] + PE[t])
    for t in (0, 3):                                                      # the two "the" rows
        y = T - 1 - t
        ax.add_patch(Rectangle((cols["X"] - 0.15, y - 0.1), d_model + 0.3, 1.2, fill=False,
                               edgecolor=INK, linewidth=1.6, linestyle="--"))
    ax.add_patch(FancyArrowPatch((cols["X"] + d_model + 0.4, T - 0.5), (cols["X"] + d_model + 0.4, T - 3.5),
                                 connectionstyle="arc3,rad=-0.5", arrowstyle="<|-|>", mutation_scale=10,
                                 color=INK, linewidth=1.0))
    ax.text(cols["X"] + d_model + 1.6, T - 2.0, "“the” twice:\nsame embedding,\ndifferent position,\ndifferent input",
            ha="left", va="center", fontsize=9, color=INK)
    ax.text(cols["E"], -1.0, "d_model = 8 numbers per vector, one cell each; the colour is the value "
            "(blue positive, red negative). Embeddings illustrative, PE exact.",
            ha="left", va="center", fontsize=9, color=INK)
    sm = matplotlib.cm.ScalarMappable(norm=NORM, cmap=CMAP)
    cbar = fig.colorbar(sm, ax=ax, orientation="horizontal", fraction=0.05, pad=0.02, shrink=0.4)
    cbar.set_label("value of a cell")
    return fig


def main():
    _svg.write("04_positional_encoding", {"embedding_plus_position": embedding_plus_position})


if __name__ == "__main__":
    main()
