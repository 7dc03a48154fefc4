"""Draws the diagrams of Part 7 into lessons/files/07_real_models/figures/ (deterministic SVG).

Run: .venv/bin/python lessons/figures/07_real_models.py
"""
import matplotlib

import _svg  # noqa: E402  (Agg backend and deterministic SVG; writes the files)
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import FancyArrowPatch, Rectangle  # noqa: E402

COLOURS = [matplotlib.colormaps["viridis"](v) for v in (0.2, 0.5, 0.8)]   # query, key, value
TEXT_ON = ["white", "white", "black"]
GREY, INK = "#f0f0f0", "#222222"


def box(ax, x, y, w, h, text, face=GREY, size=10, colour=INK, weight="normal"):
    """A rectangle with centred text; (x, y) is its lower-left corner."""
    ax.add_patch(Rectangle((x, y), w, h, facecolor=face, edgecolor=INK, linewidth=1.0))
    ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=size, color=colour, weight=weight)


def arrow(ax, start, end, colour=INK, width=1.2, rad=0.0, style="-|>"):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=12, color=colour, linewidth=width,
                                 shrinkA=2, shrinkB=2, connectionstyle=f"arc3,rad={rad}"))


def c_attn_mapping():
    """GPT-2's fused Conv1D c_attn (d, 3d) cut into W_q, W_k, W_v and transposed for nn.Linear."""
    fig, ax = plt.subplots(figsize=(10, 5.2))
    ax.set(xlim=(0, 100), ylim=(0, 56))
    ax.axis("off")
    ax.set_title("GPT-2's attn.c_attn into your W_q, W_k, W_v: slice the columns, then transpose", fontsize=12)
    ax.text(50, 50, "c_attn.weight: Conv1D, stored (in, out) = (d, 3d);  y = x @ weight + bias", ha="center", fontsize=10)
    for i, name in enumerate(("query", "key", "value")):
        cols = ["[0, d)", "[d, 2d)", "[2d, 3d)"][i]
        box(ax, 14 + i * 24, 38, 24, 9, f"{name}\ncolumns {cols}", face=COLOURS[i], colour=TEXT_ON[i], size=10)
    ax.text(11, 42.5, "d rows", ha="right", va="center", fontsize=9)
    for i, name in enumerate(("W_q", "W_k", "W_v")):
        cx = 26 + i * 24
        arrow(ax, (cx, 38), (cx, 27))
        ax.text(cx + 1, 32.5, ".T", fontsize=11, weight="bold", va="center")
        box(ax, cx - 8, 15, 16, 12, f"{name}.weight\nnn.Linear\n(out, in) = (d, d)", face=COLOURS[i], colour=TEXT_ON[i], size=9)
    ax.text(50, 9, "the bias (3d,) is cut the same way: [0, d) query, [d, 2d) key, [2d, 3d) value", ha="center", fontsize=9.5)
    ax.text(50, 3.5, "a square (d, d) slice loads without error in either orientation: only the outputs tell", ha="center",
            fontsize=9.5, style="italic")
    return fig


def induction_circuit():
    """A previous-token head (layer 0) and an induction head (layer 1) completing '... A B ... A' with B."""
    fig, ax = plt.subplots(figsize=(10, 4.4))
    ax.set(xlim=(0, 100), ylim=(0, 46))
    ax.axis("off")
    ax.set_title("An induction head: two heads in two layers complete a repeated pattern", fontsize=12)
    tokens = ["<bos>", "A", "B", "C", "D", "A", "?"]
    xs = [8 + 13 * i for i in range(len(tokens))]
    for i, (x, tok) in enumerate(zip(xs, tokens)):
        box(ax, x - 5, 4, 10, 6, tok, face="white" if tok == "?" else GREY, size=11, weight="bold")
        ax.text(x, 1.5, f"position {i}", ha="center", fontsize=8)
    # layer 0: previous-token head, B attends to A
    arrow(ax, (xs[2], 10.5), (xs[1], 10.5), colour=COLOURS[0], width=2, rad=0.6)
    ax.text((xs[1] + xs[2]) / 2, 17, "layer 0, previous-token head:\nB stores \"A came before me\"", ha="center", fontsize=9,
            color=INK)
    # layer 1: induction head, second A attends to B
    arrow(ax, (xs[5], 10.5), (xs[2], 10.5), colour=COLOURS[1], width=2.5, rad=0.45)
    ax.text((xs[2] + xs[5]) / 2, 32, "layer 1, induction head: the second A looks for\n\"the token that came after an A\": B",
            ha="center", fontsize=9)
    arrow(ax, (xs[5] + 5, 7), (xs[6] - 5, 7), colour=COLOURS[2], width=2)
    ax.text(xs[6], 13, "predicts B", ha="center", fontsize=10, weight="bold")
    return fig


def main():
    _svg.write("07_real_models", dict([("c_attn_mapping", c_attn_mapping), ("induction_circuit", induction_circuit)]))


if __name__ == "__main__":
    main()
