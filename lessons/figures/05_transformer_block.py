"""Draws the diagrams of Part 5 into lessons/files/05_transformer_block/figures/ (deterministic SVG).

Run: .venv/bin/python lessons/figures/05_transformer_block.py
"""
import matplotlib

import _svg  # noqa: E402  (Agg backend and deterministic SVG; writes the files)
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch  # noqa: E402

INK = "#222222"
FILL = {"attn": "#fde2c4", "ffn": "#cfe3f5", "norm": "#e6e6e6", "io": "white"}   # light fills; the text names each box
W, H = 2.6, 0.62                       # box width and height
X = 0.0                                # the main path runs up the line x = 0
SKIP_X = -1.75                         # residual paths run up on the left


def box(ax, y, text, kind):
    ax.add_patch(FancyBboxPatch((X - W / 2, y - H / 2), W, H, boxstyle="round,pad=0.02,rounding_size=0.08",
                                facecolor=FILL[kind], edgecolor=INK, linewidth=1.1))
    ax.text(X, y, text, ha="center", va="center", fontsize=9.5, color=INK)


def add(ax, y):
    ax.add_patch(Circle((X, y), 0.2, facecolor="white", edgecolor=INK, linewidth=1.1))
    ax.text(X, y - 0.01, "+", ha="center", va="center", fontsize=12, color=INK)


def arrow(ax, start, end, dashed=False):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=10, color=INK, linewidth=1.1,
                                 linestyle=(0, (4, 2)) if dashed else "-", shrinkA=0, shrinkB=0))


def residual(ax, y_from, y_add):
    """The shortcut: from the branch point at y_from, up the left side, into the Add at y_add."""
    ax.plot([X, SKIP_X, SKIP_X], [y_from, y_from, y_add], color=INK, linewidth=1.1)
    ax.plot([X], [y_from], "o", color=INK, markersize=3.5)
    arrow(ax, (SKIP_X, y_add), (X - 0.2, y_add))


def column(ax, steps, title, x_label, out_label, notes=()):
    """steps: bottom to top, ("box", text, kind) | ("add", i): an Add whose shortcut skips steps i.. (joined by arrows)."""
    y, ys = 0.0, []
    ax.text(X, y, x_label, ha="center", va="center", fontsize=9.5, color=INK)
    prev_top = y + 0.22
    for step in steps:
        y += 1.0
        ys.append(y)
        if step[0] == "box":
            box(ax, y, step[1], step[2])
            arrow(ax, (X, prev_top), (X, y - H / 2))
            prev_top = y + H / 2
        else:
            add(ax, y)
            arrow(ax, (X, prev_top), (X, y - 0.2))
            prev_top = y + 0.2
            branch = ys[step[1]] - 0.5                     # just below the first step the shortcut skips
            residual(ax, branch, y)
    y += 0.9
    arrow(ax, (X, prev_top), (X, y - 0.2))
    ax.text(X, y, out_label, ha="center", va="center", fontsize=9.5, color=INK)
    for (ny, text) in notes:
        ax.text(X + W / 2 + 0.15, ny, text, ha="left", va="center", fontsize=8.5, color=INK)
    ax.set_title(title, fontsize=11)
    ax.set(xlim=(-2.3, 3.9), ylim=(-0.5, y + 0.5))
    ax.axis("off")
    return ys


def encoder_blocks():
    """The encoder block: post-norm (the paper) and pre-norm (GPT-2 and most modern models), with the residual paths."""
    fig, axes = plt.subplots(1, 2, figsize=(9.4, 6.4))
    column(axes[0], [("box", "multi-head\nself-attention", "attn"), ("add", 0), ("box", "LayerNorm (norm1)", "norm"),
                     ("box", "feed-forward", "ffn"), ("add", 3), ("box", "LayerNorm (norm2)", "norm")],
           "Post-norm (the paper, §3.1):\nLayerNorm(x + Sublayer(x))", "x  (B, T, d_model)", "output: normalised",
           notes=[(2.0, "Add: the shortcut\nskips the sub-layer"), (3.0, "Norm after the Add")])
    column(axes[1], [("box", "LayerNorm (norm1)", "norm"), ("box", "multi-head\nself-attention", "attn"), ("add", 0),
                     ("box", "LayerNorm (norm2)", "norm"), ("box", "feed-forward", "ffn"), ("add", 3)],
           "Pre-norm (GPT-2, modern models):\nx + Sublayer(LayerNorm(x))", "x  (B, T, d_model)",
           "output: not normalised\n(a stack ends with one more LayerNorm)",
           notes=[(1.0, "Norm only on the\nsub-layer's input"), (3.0, "the shortcut carries\nx untouched")])
    fig.tight_layout(w_pad=2)
    return fig


def decoder_block():
    """The post-norm decoder block: masked self-attention, cross-attention reading the encoder's output, FFN."""
    fig, ax = plt.subplots(figsize=(6.6, 8.4))
    ys = column(ax, [("box", "masked multi-head\nself-attention", "attn"), ("add", 0), ("box", "LayerNorm (norm1)", "norm"),
                     ("box", "cross-attention\n(encoder-decoder)", "attn"), ("add", 3), ("box", "LayerNorm (norm2)", "norm"),
                     ("box", "feed-forward", "ffn"), ("add", 6), ("box", "LayerNorm (norm3)", "norm")],
                "Decoder block (post-norm, the paper):\nthree sub-layers, each with Add & Norm",
                "x: the target tokens so far  (B, T, d_model)", "output  (B, T, d_model)",
                notes=[(1.0, "causal mask: position t\nsees positions 0..t only")])
    y_cross = ys[3]
    ax.text(3.15, y_cross + 1.25, "memory: the encoder's\noutput (B, S, d_model)", ha="center", va="center",
            fontsize=9, color=INK, bbox=dict(boxstyle="round,pad=0.3", facecolor="white", edgecolor=INK))
    arrow(ax, (3.15, y_cross + 0.85), (X + W / 2, y_cross + 0.12))
    ax.text(X + W / 2 + 0.15, y_cross - 0.45, "queries from the decoder,\nkeys and values from the memory",
            ha="left", va="center", fontsize=8.5, color=INK)
    ax.set(xlim=(-2.3, 4.4))
    fig.tight_layout()
    return fig


FIGURES = {"encoder_block": encoder_blocks, "decoder_block": decoder_block}


def main():
    _svg.write("05_transformer_block", FIGURES)


if __name__ == "__main__":
    main()
