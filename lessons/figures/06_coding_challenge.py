"""Draws the diagrams of Part 6 into lessons/files/06_coding_challenge/figures/ (deterministic SVG).

Run: .venv/bin/python lessons/figures/06_coding_challenge.py
"""
import matplotlib

import _svg  # noqa: E402  (Agg backend and deterministic SVG; writes the files)
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import FancyArrowPatch, Rectangle  # noqa: E402

INK, GREY = "#222222", "#f0f0f0"
FOCUS = matplotlib.colormaps["viridis"](0.3)           # the path of the first digit (blue)
DIGITS = [3, 1, 4, 1, 5, 9, 2, 6]                       # 8 digits drawn (the task has 24)
N = len(DIGITS)


def cell(ax, x, y, text, face=GREY, edge=INK, w=0.8, h=0.5):
    ax.add_patch(Rectangle((x - w / 2, y - h / 2), w, h, facecolor=face, edgecolor=edge, linewidth=1.0))
    ax.text(x, y, text, ha="center", va="center", fontsize=10, color=INK)


def arrow(ax, start, end, color=INK, width=1.0, alpha=1.0, style="-|>"):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=9, color=color, linewidth=width,
                                 alpha=alpha, shrinkA=0, shrinkB=0))


def transformer_panel(ax):
    y_in, y_out = 0.0, 3.2
    for t in range(N):
        cell(ax, t, y_in, str(DIGITS[t]), face="#dde8f5" if t == 0 else GREY)
        cell(ax, t, y_out, str(DIGITS[N - 1 - t]), face="#dde8f5" if t == N - 1 else "white")
        source = N - 1 - t
        focus = t == N - 1
        arrow(ax, (t, y_out - 0.27), (source, y_in + 0.27), color=FOCUS if focus else INK,
              width=2.2 if focus else 1.0, alpha=1.0 if focus else 0.55)
    ax.text(-0.75, y_in, "input", ha="right", va="center", fontsize=10, color=INK)
    ax.text(-0.75, y_out, "output", ha="right", va="center", fontsize=10, color=INK)
    ax.text((N - 1) / 2, y_in - 0.6, "input position s = 0 … 7", ha="center", va="top", fontsize=9, color=INK)
    ax.text((N - 1) / 2, y_out + 0.45, "output position t reads input position 7 − t (23 − t in the task)",
            ha="center", va="bottom", fontsize=9, color=INK)
    ax.set_title("Transformer: every output can attend to its source directly\n(one hop, whatever the distance)",
                 fontsize=11)
    ax.set(xlim=(-1.9, N - 0.3), ylim=(-1.1, 4.3))
    ax.axis("off")


def lstm_panel(ax):
    y_in, y_h, y_out = 0.0, 1.4, 2.8
    steps = 2 * N
    for k in range(steps):
        reading = k < N
        cell(ax, k, y_in, str(DIGITS[k]) if reading else "_", face="#dde8f5" if k == 0 else (GREY if reading else "white"))
        cell(ax, k, y_h, "h", face="white", edge=FOCUS, w=0.6, h=0.5)  # the first digit must survive every state
        arrow(ax, (k, y_in + 0.27), (k, y_h - 0.27), alpha=0.55)
        if k:
            arrow(ax, (k - 1 + 0.32, y_h), (k - 0.32, y_h), color=FOCUS, width=2.0)
        if not reading:
            t = k - N
            cell(ax, k, y_out, str(DIGITS[N - 1 - t]), face="#dde8f5" if t == N - 1 else "white")
            arrow(ax, (k, y_h + 0.27), (k, y_out - 0.27), alpha=0.55)
    ax.text(-0.75, y_in, "input", ha="right", va="center", fontsize=10, color=INK)
    ax.text(-0.75, y_h, "state", ha="right", va="center", fontsize=10, color=INK)
    ax.text(-0.75, y_out, "output", ha="right", va="center", fontsize=10, color=INK)
    ax.text((N - 1) / 2, y_in - 0.6, "reads the 8 digits …", ha="center", va="top", fontsize=9, color=INK)
    ax.text(N + (N - 1) / 2, y_in - 0.6, "… then 8 blank steps (_), writing one answer each", ha="center",
            va="top", fontsize=9, color=INK)
    ax.text((steps - 1) / 2, y_out + 0.45, "the first digit read is written last: 15 steps later here, 47 in the "
            "task (24 digits)", ha="center", va="bottom", fontsize=9, color=INK)
    ax.set_title("LSTM: everything passes through one fixed-size state, step by step (blue: the first digit's path)",
                 fontsize=11)
    ax.set(xlim=(-1.9, steps - 0.3), ylim=(-1.1, 3.9))
    ax.axis("off")


def reversal_models():
    """The reversal task as the two contestants see it: direct attention hops against a long recurrent path."""
    fig, axes = plt.subplots(2, 1, figsize=(11, 7.4), gridspec_kw={"height_ratios": [1.1, 1]})
    transformer_panel(axes[0])
    lstm_panel(axes[1])
    fig.tight_layout(h_pad=2)
    return fig


FIGURES = {"reversal_models": reversal_models}


def main():
    _svg.write("06_coding_challenge", FIGURES)


if __name__ == "__main__":
    main()
