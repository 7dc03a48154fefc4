"""What every figure script shares: matplotlib set up for deterministic SVG (same bytes on every
run, text kept as text) and the writer of a part's figures into lessons/files/<part>/figures/."""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

matplotlib.rcParams["svg.hashsalt"] = "transformer-course"
matplotlib.rcParams["svg.fonttype"] = "none"          # text stays text: small, searchable files
matplotlib.rcParams["font.family"] = "DejaVu Sans"


def write(part: str, figures: dict) -> None:
    """Draw each figure (name -> function returning a Figure) into lessons/files/<part>/figures/<name>.svg."""
    out = Path(__file__).resolve().parents[1] / "files" / part / "figures"
    out.mkdir(parents=True, exist_ok=True)
    for name, draw in figures.items():
        fig = draw()
        path = out / f"{name}.svg"
        fig.savefig(path, format="svg", metadata={"Date": None}, facecolor="white", bbox_inches="tight")
        plt.close(fig)
        print(f"wrote {path} ({path.stat().st_size / 1000:.1f} kB)")
