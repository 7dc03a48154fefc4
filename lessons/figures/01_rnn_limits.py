"""Draws the diagrams of Part 1 into lessons/files/01_rnn_limits/figures/ (deterministic SVG).

Run: .venv/bin/python lessons/figures/01_rnn_limits.py
"""
import matplotlib

import _svg  # noqa: E402  (Agg backend and deterministic SVG; writes the files)
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Circle, FancyArrowPatch, Rectangle  # noqa: E402

GREY, INK = "#f0f0f0", "#222222"
PATH = matplotlib.colormaps["viridis"](0.35)           # the long path from word 1 to word T (dark blue-teal)
STATE = matplotlib.colormaps["viridis"](0.85)          # hidden states (light green: dark text stays readable)


def box(ax, x, y, w, h, text, face=GREY, size=10, weight="normal"):
    """A rectangle with centred text; (x, y) is its centre."""
    ax.add_patch(Rectangle((x - w / 2, y - h / 2), w, h, facecolor=face, edgecolor=INK, linewidth=1.0))
    ax.text(x, y, text, ha="center", va="center", fontsize=size, color=INK, weight=weight)


def state(ax, x, y, text, r=4.2):
    ax.add_patch(Circle((x, y), r, facecolor=STATE, edgecolor=INK, linewidth=1.2))
    ax.text(x, y, text, ha="center", va="center", fontsize=11, color=INK)


def arrow(ax, start, end, colour=INK, width=1.2, style="-|>", ls="-"):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=12, color=colour,
                                 linewidth=width, linestyle=ls, shrinkA=0, shrinkB=0))


def rnn_unrolled():
    """x_t -> h_t -> y_t for t = 1..T, the same weights at every step, the long path from word 1 to word T."""
    fig, ax = plt.subplots(figsize=(10, 5.8))
    ax.set(xlim=(0, 100), ylim=(0, 66))
    ax.axis("off")
    ax.set_title("An RNN unrolled through time: one chain of states, the same weights at every step", fontsize=12.5)
    note = dict(facecolor="white", edgecolor="none", pad=1.0)

    columns = [(24, "1", "The"), (42, "2", "student"), (60, "3", "who"), (88, "T", "exam")]
    y_x, y_h, y_y = 20, 38, 55
    state(ax, 7, y_h, "$h_0$")
    ax.text(7, y_h - 5.5, "given\n(often 0)", ha="center", va="top", fontsize=8.5, color=INK)
    previous = 7
    for x, t, word in columns:
        box(ax, x, y_x, 11, 6.5, f"$x_{t}$\n“{word}”", size=9.5)
        state(ax, x, y_h, f"$h_{t}$")
        box(ax, x, y_y, 9, 5, f"$y_{t}$", size=10.5)
        arrow(ax, (x, y_x + 3.25), (x, y_h - 4.2))
        ax.text(x + 1, (y_x + 3.25 + y_h - 4.2) / 2, "$W_{xh}$", ha="left", va="center", fontsize=9, color=INK)
        arrow(ax, (x, y_h + 4.2), (x, y_y - 2.5))
        on_path = t != "1"
        arrow(ax, (previous + 4.2, y_h), (x - 4.2, y_h), colour=PATH if on_path else INK,
              width=3.2 if on_path else 1.2, ls=(0, (4, 2)) if t == "T" else "-")
        label_x = (previous + x) / 2 if t != "T" else (previous + x) / 2 - 5
        ax.text(label_x, y_h + 1.6, "$W_{hh}$", ha="center", va="bottom", fontsize=9, color=INK)
        if t == "T":
            ax.text((previous + x) / 2 + 2, y_h, "…", ha="center", va="center", fontsize=16, color=INK, bbox=note)
        previous = x

    ax.text(50, y_y + 5, "$y_t$: the output read from $h_t$, one per position", ha="center", va="bottom",
            fontsize=9.5, color=INK)
    ax.text(50, 10, "Thick arrows: the path a signal from word 1 travels to reach word T, one recurrent step at a time.\n"
                    "Each step waits for the one before it: $h_t$ cannot start before $h_{t-1}$ is finished.",
            ha="center", va="center", fontsize=10, color=INK)
    ax.text(50, 2.5, "$h_t = \\tanh(x_t W_{xh} + h_{t-1} W_{hh} + b_h)$, with the same $W_{xh}$, $W_{hh}$, $b_h$ at every step",
            ha="center", va="center", fontsize=10.5, color=INK)
    return fig


FIGURES = {"rnn_unrolled": rnn_unrolled}


def main():
    _svg.write("01_rnn_limits", FIGURES)


if __name__ == "__main__":
    main()
