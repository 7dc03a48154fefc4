"""Draws the diagrams of Part 3 into lessons/files/03_multi_head_attention/figures/ (deterministic SVG).

Run: .venv/bin/python lessons/figures/03_multi_head_attention.py
"""
import matplotlib

import _svg  # noqa: E402  (Agg backend and deterministic SVG; writes the files)
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import FancyArrowPatch, Rectangle  # noqa: E402

H = 4                                                  # heads drawn
HEAD_COLOURS = [matplotlib.colormaps["viridis"](v) for v in (0.15, 0.42, 0.65, 0.85)]
TEXT_ON = ["white", "white", "black", "black"]          # readable text on each head colour
GREY, INK = "#f0f0f0", "#222222"


def box(ax, x, y, w, h, text, face=GREY, size=10, colour=INK, weight="normal"):
    """A rectangle with centred text; (x, y) is its lower-left corner."""
    ax.add_patch(Rectangle((x, y), w, h, facecolor=face, edgecolor=INK, linewidth=1.0))
    ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=size, color=colour, weight=weight)


def arrow(ax, start, end, colour=INK, width=1.2):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=11, color=colour,
                                 linewidth=width, shrinkA=0, shrinkB=0))


def split_bar(ax, x, y, w, h, label):
    """A d_model-wide bar cut into H coloured chunks of d_head, numbered by head."""
    for i in range(H):
        box(ax, x + i * w / H, y, w / H, h, str(i + 1), face=HEAD_COLOURS[i], size=9, colour=TEXT_ON[i])
    ax.text(x + w / 2, y + h + 1.2, label, ha="center", va="bottom", fontsize=10, color=INK)


def multi_head_split_merge():
    fig, ax = plt.subplots(figsize=(10, 9))
    ax.set(xlim=(0, 100), ylim=(0, 100))
    ax.axis("off")
    ax.set_title("Multi-head attention: split, attend in every head, concatenate, mix", fontsize=13)
    note = dict(facecolor="white", edgecolor="none", pad=1.5)

    box(ax, 30, 93, 40, 5, "input X   (B, T, d_model)", weight="bold", size=11)
    centres = {"Q": 16, "K": 50, "V": 84}
    for name, cx in centres.items():
        arrow(ax, (50 + (cx - 50) * 0.3, 93), (cx, 87))
        box(ax, cx - 15, 81, 30, 6, f"W_{name.lower()}\nnn.Linear(d_model, d_model)", size=9)
        arrow(ax, (cx, 81), (cx, 77))
        split_bar(ax, cx - 13, 71, 26, 5, "")
        ax.text(cx, 69.8, f"{name}   (B, T, d_model)", ha="center", va="top", fontsize=9.5, color=INK)

    head_w, gap = 21, 3
    left = 50 - (H * head_w + (H - 1) * gap) / 2
    for i in range(H):
        hx = left + i * (head_w + gap)
        for name, cx in centres.items():                       # chunk i of Q, K, V -> head i
            chunk_centre = cx - 13 + (i + 0.5) * 26 / H
            arrow(ax, (chunk_centre, 66.5), (hx + head_w / 2 + (cx - 50) / 10, 51.5),
                  colour=HEAD_COLOURS[i], width=1.0)
        box(ax, hx, 41.5, head_w, 10, f"head {i + 1}\nAttention(Q_{i + 1}, K_{i + 1}, V_{i + 1})\n(B, T, d_head)",
            face=HEAD_COLOURS[i], size=8.5, colour=TEXT_ON[i])
        arrow(ax, (hx + head_w / 2, 41.5), (35 + (i + 0.5) * 30 / H, 31.5), colour=HEAD_COLOURS[i], width=1.0)
    ax.text(50, 61.5, "split_heads: view as (B, T, h, d_head), then swap T and h  ->  (B, h, T, d_head)\n"
                      "head i gets its own block of d_head = d_model / h consecutive features of Q, K and V",
            ha="center", va="center", fontsize=9, color=INK, bbox=note, zorder=4)
    ax.text(50, 37.2, "in every head: softmax(Q_i K_iᵀ / √d_head) V_i, with the same mask",
            ha="center", va="center", fontsize=9, color=INK, bbox=note, zorder=4)

    split_bar(ax, 35, 26.5, 30, 5, "")
    ax.text(50, 24.8, "merge_heads = Concat(head_1, ..., head_h)   (B, T, h · d_head) = (B, T, d_model)",
            ha="center", va="top", fontsize=9.5, color=INK)
    arrow(ax, (50, 20.5), (50, 17))
    box(ax, 22, 11, 56, 6, "W_o = nn.Linear(d_model, d_model): mixes the heads", size=9.5)
    arrow(ax, (50, 11), (50, 7.5))
    box(ax, 30, 2.5, 40, 5, "output   (B, T, d_model)", weight="bold", size=11)
    ax.text(0, 2.5, "drawn with h = 4 heads;\nthe paper's base model: h = 8,\nd_model = 512, d_head = 64",
            ha="left", va="bottom", fontsize=8.5, color=INK)
    return fig


def main():
    _svg.write("03_multi_head_attention", {"multi_head_split_merge": multi_head_split_merge})


if __name__ == "__main__":
    main()
