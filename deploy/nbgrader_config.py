"""nbgrader's settings for everyone on the course's JupyterHub.

``make hub-install`` copies this file into the hub environment's ``etc/jupyter/``, a folder every Jupyter
and nbgrader of that environment reads, so students and instructors share one exchange and one course id
without any file in their home. The hub passes the settings below to each user's server
(``deploy/jupyterhub_config.py``):

BACKPROP_EXCHANGE
    nbgrader's exchange: the folder lessons are released to, submitted through and handed back from
    (default ``/srv/nbgrader/exchange``; every user may write to it, sticky like ``/tmp``).
BACKPROP_COURSE_ROOT
    set for instructors only: the course folder (this repository). nbgrader then also reads the course's
    own ``nbgrader_config.py`` from there (gradebook, grading steps), so the formgrader and
    ``nbgrader collect``/``release_feedback`` work on the course from any folder.
"""
import os

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

# The same id as the course's nbgrader_config.py: students fetch and submit under it.
c.CourseDirectory.course_id = "backprop-step-by-step"
c.Exchange.root = os.environ.get("BACKPROP_EXCHANGE") or "/srv/nbgrader/exchange"

_course_root = os.environ.get("BACKPROP_COURSE_ROOT")
if _course_root:
    c.CourseDirectory.root = _course_root
