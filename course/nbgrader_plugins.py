"""nbgrader preprocessors the course adds (named in nbgrader_config.py)."""
from nbclient.exceptions import DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Unicode

KERNEL_DIED = "KernelDied"  # ename of the error output put in the cell where the kernel died...
NOT_RUN = "NotRun"          # ...and in every code cell after it


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


def _error(ename: str, evalue: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


class ExecuteUntilKernelDies(Execute):
    """nbgrader's Execute, except that a dying kernel costs only the cell it died in and the rest.

    Stock nbgrader aborts the whole notebook on DeadKernelError (os._exit, a segfault, the
    memory limit), so every cell scores 0 and nothing says why. Here the cell where the kernel
    died gets a KernelDied error, every later code cell a NotRun error (so no later test can
    pass without running), and the cells before keep the scores they earned.
    """

    def preprocess(self, nb, resources=None, km=None):
        self.died_in = None
        return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        where = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") or f"cell {index + 1}"
        if self.died_in is not None:
            cell.outputs = [_error(NOT_RUN, f"not run: the kernel died in {self.died_in}")]
            return cell, self.resources
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self.died_in = where
            cell.outputs.append(_error(KERNEL_DIED, "the kernel died while running this cell "
                                                    "(os._exit, a crash, or the memory limit)"))
            return cell, self.resources


class TeachingFeedback(NbGraderPreprocessor):
    """Feedback that teaches (course/feedback.py): the likely catalogued mistake by the exercise it
    is in, the model answer after each written answer, the correct answer and its explanation after
    each quiz test. Reads the assignment's source/ and release/ notebooks and the mistake records.

    A preprocessor rather than a rewrite of the HTML: plain `nbgrader generate_feedback`, `course
    demo` and the grading worker's feedback job all run it from nbgrader_config.py, and nbgrader's
    own template renders the added cells like the lesson's markdown (math included).
    """

    mistakes_dir = Unicode("", help="folder of the <part>.json mistake records "
                                    "(default: lessons/mistakes of this repository)").tag(config=True)

    def preprocess(self, nb, resources):
        import os

        import nbformat
        from nbgrader.coursedir import CourseDirectory

        from . import feedback

        info = resources.get("nbgrader", {})
        part, notebook = info.get("assignment"), info.get("notebook")
        coursedir = CourseDirectory(config=self.config)
        paths = [os.path.join(coursedir.format_path(d, ".", part), f"{notebook}.ipynb")
                 for d in (coursedir.source_directory, coursedir.release_directory)]
        if not all(os.path.isfile(p) for p in paths):
            self.log.warning("feedback for %s: no source or release notebook, plain feedback only", part)
            return nb, resources
        source_nb, release_nb = (nbformat.read(p, as_version=4) for p in paths)
        record = feedback.load_record(part, self.mistakes_dir or None)
        if record is None:
            self.log.warning("feedback for %s: no mistake record (python -m course mutants --record)", part)
        return feedback.teach(nb, source_nb, release_nb, record), resources
