"""nbgrader preprocessors the course adds (named in nbgrader_config.py)."""
from nbgrader.preprocessors import NbGraderPreprocessor


class ShortenTracebacks(NbGraderPreprocessor):
    """Keep only the last line of every traceback in feedback.

    IPython tracebacks quote the source lines around the failing one, so a failing hidden
    test would show its own code to the student. The error name and message stay.
    """

    def preprocess_cell(self, cell, resources, index):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                out["traceback"] = [f"{out.get('ename', 'Error')}: {out.get('evalue', '')}"]
        return cell, resources
