"""The instructor's commands: ``make release/autograde/feedback/grades/report/similarity``.

:mod:`.instructor` parses the commands; :mod:`.nbgrader_api` is the one module that talks to nbgrader's
API; :mod:`.parallel` grades a class's submissions (Dask), each lesson first checked by :mod:`.canary`;
:mod:`.completion` knows which are graded, :mod:`.progress` shows the run, :mod:`.runlock` keeps it one
at a time; :mod:`.gradesheet`, :mod:`.canvas`, :mod:`.report` and :mod:`.similarity` read the results;
:mod:`.authoring` builds a lesson's notebook; :mod:`.gradebook_url` remembers a course's gradebook.
"""
