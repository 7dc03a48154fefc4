"""nbgrader configuration for the Transformer Internals course.

Plain nbgrader commands (`nbgrader generate_assignment`, `autograde`, `generate_feedback`,
`export`) run from this folder read it, and so does `python -m course`.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # so `course.nbgrader_plugins` imports

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.course_id = "transformer-internals"
# One notebook per assignment, named like its folder: release/<part>/<part>.ipynb.
c.CourseDirectory.notebook_id = "*"
# Never copy big stray files (datasets, checkpoints) into release/, submitted/ or feedback/.
c.CourseDirectory.max_file_size = 10000  # kilobytes

# Grading runs student code: bound every cell's time (part 6 trains a model in one cell).
c.Execute.timeout = 180
c.Execute.interrupt_on_timeout = True
c.Execute.execute_retries = 0
# A kernel that dies (os._exit, a segfault, the memory limit) costs only the cell it died in
# and the cells after it, not the whole notebook (stock nbgrader gives the notebook nothing).
c.Autograde.autograde_preprocessors = [
    "course.nbgrader_plugins.ExecuteUntilKernelDies",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# A student who deletes a test cell gets it back, so the test still runs (and still counts).
c.OverwriteCells.add_missing_cells = True

# Feedback shows which tests failed and the failure message, never the hidden tests' code:
# hidden blocks are removed from the cells and tracebacks (which quote source lines) are cut
# down to their last line. TeachingFeedback adds the likely catalogued mistake by its exercise
# (lessons/mistakes/, from `python -m course mutants --record`), the model answer after each
# written answer and the correct answer with its explanation after each quiz check.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbgrader.preprocessors.ClearHiddenTests",
    "course.nbgrader_plugins.ShortenTracebacks",
    "course.nbgrader_plugins.TeachingFeedback",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]

# The release must not carry solutions, hidden tests or outputs.
c.ClearSolutions.enforce_metadata = True
c.ClearHiddenTests.enforce_metadata = True
c.GenerateAssignment.create_assignment = True
