"""JupyterHub for a class on one server: students and instructors log in with their Unix accounts.

``make hub`` (as root) installs everything and starts JupyterHub with this file; docs/class-server.md, "A class on one
server (JupyterHub)", says how to prepare the server. What it sets up:

- **Who may log in** (authenticator): ``PAMAuthenticator``, JupyterHub's default. Everyone logs in with
  the Unix account and password they already have on the server; nothing to install or keep in step.
  Only members of two Unix groups may log in: students (``backprop-students``) and instructors
  (``backprop-instructors``). (For a university login, swap in an OAuth authenticator, e.g.
  ``oauthenticator``'s; the Unix accounts must still exist, with the same names.)
- **How each user's server runs** (spawner): ``LocalProcessSpawner``, JupyterHub's default. Each user's
  JupyterLab is a process running as that Unix user, so the file permissions of the server protect each
  student's work and nbgrader's exchange works as designed (it relies on file ownership). It needs
  nothing but root for the hub. ``SystemdSpawner`` (package ``jupyterhub-systemdspawner``) would add a
  memory and CPU cap per user: worth it when a student's runaway cell could starve the others, but it needs
  systemd as the init system (not in containers nor on CI). For bigger classes, see docs/class-server.md.
- **The course's environment for every user**: each server runs ``jupyterhub-singleuser`` from
  ``$HUB_PREFIX/venv`` (``make hub-install``), built on Debian's ``/usr/bin/python3``, which every user
  can run (the course's ``.venv`` points at an interpreter under root's home, which other users cannot
  run). What is installed into it is the student copy (``make student-copy``): every user can read and
  import it, so it holds no exercise registry, references of the registry, questions' answers or hidden
  tests; students never read the course folder, which holds the solutions. Instructors' servers put the
  course folder first on ``PYTHONPATH``: their nbgrader (the formgrader, ``nbgrader release_assignment``,
  the course's ``nbgrader_config.py``) imports the course's full package from there.
- **nbgrader**: the hub environment's ``etc/jupyter/nbgrader_config.py`` (``deploy/nbgrader_config.py``)
  gives everyone the exchange folder and the course id. Students get the students' view
  (``deploy/jupyter-student``: no formgrader nor lesson-making tools, but nbgrader's Assignments list to
  fetch, submit and read feedback) in their home folder, which the hub makes private (mode 700) before
  starting their server, so that no student can read another's work or feedback. Instructors start in the
  formgrader, on the course folder.

Settings (environment variables, set by ``make hub``; all optional):

``BACKPROP_HUB_PREFIX``          where ``make hub-install`` put the environment (default ``/opt/backprop-hub``)
``BACKPROP_HUB_STATE``           the hub's own files: user database, cookie secret (default ``<prefix>/state``)
``BACKPROP_HUB_COURSE``          the course folder instructors work on (default: this repository)
``BACKPROP_EXCHANGE``            nbgrader's exchange folder (default ``/srv/nbgrader/exchange``)
``BACKPROP_HUB_IP``, ``BACKPROP_HUB_PORT``  where students connect (default all interfaces, port 8000)
``BACKPROP_HUB_API_PORT``, ``BACKPROP_HUB_PROXY_API_PORT``  the hub's and the proxy's internal ports on
                                 127.0.0.1 (default 8081, 8001)
``BACKPROP_HUB_STUDENT_GROUP``, ``BACKPROP_HUB_INSTRUCTOR_GROUP``  the two Unix groups
``BACKPROP_HUB_API_TOKEN``       a token (at least 32 characters) for scripts that manage the class through
                                 the hub's REST API (create users, start servers, use them); none by default
"""
import grp
import os
import pwd
from pathlib import Path

c = get_config()  # noqa: F821 (provided by traitlets when JupyterHub loads this file)

DEPLOY = Path(__file__).resolve().parent
PREFIX = Path(os.environ.get("BACKPROP_HUB_PREFIX") or "/opt/backprop-hub")
STATE = Path(os.environ.get("BACKPROP_HUB_STATE") or PREFIX / "state")
COURSE = Path(os.environ.get("BACKPROP_HUB_COURSE") or DEPLOY.parent)
EXCHANGE = os.environ.get("BACKPROP_EXCHANGE") or "/srv/nbgrader/exchange"
STUDENT_GROUP = os.environ.get("BACKPROP_HUB_STUDENT_GROUP") or "backprop-students"
INSTRUCTOR_GROUP = os.environ.get("BACKPROP_HUB_INSTRUCTOR_GROUP") or "backprop-instructors"
HUB_BIN = PREFIX / "venv" / "bin"

# ------------------------------------------------------------------------------------------- network
# Students connect to the proxy. Put it behind HTTPS for a real class (c.JupyterHub.ssl_key/ssl_cert, or a
# reverse proxy such as nginx or Caddy in front): passwords cross the network at login.
c.JupyterHub.ip = os.environ.get("BACKPROP_HUB_IP", "")
c.JupyterHub.port = int(os.environ.get("BACKPROP_HUB_PORT") or 8000)
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("BACKPROP_HUB_API_PORT") or 8081)
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{int(os.environ.get('BACKPROP_HUB_PROXY_API_PORT') or 8001)}"
# The proxy from npm, installed by `make hub-install` at the version deploy/package-lock.json pins.
c.ConfigurableHTTPProxy.command = [str(DEPLOY / "node_modules" / ".bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = str(STATE / "jupyterhub-proxy.pid")

# ------------------------------------------------------------------------------------------- state
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
# Stopping the hub stops every user's server too (nothing keeps running, nothing to clean up by hand).
c.JupyterHub.cleanup_servers = True

# ------------------------------------------------------------------------------------------- who logs in
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.allowed_groups = {STUDENT_GROUP, INSTRUCTOR_GROUP}

_api_token = os.environ.get("BACKPROP_HUB_API_TOKEN")
if _api_token:
    if len(_api_token) < 32:
        raise ValueError(f"BACKPROP_HUB_API_TOKEN: expected at least 32 characters, got {len(_api_token)}")
    c.JupyterHub.services = [{"name": "course-admin", "api_token": _api_token}]
    c.JupyterHub.load_roles = [{
        "name": "course-admin",
        "description": "manage the class: create users, start and use their servers",
        "scopes": ["admin:users", "admin:servers", "access:servers"],
        "services": ["course-admin"],
    }]

# ------------------------------------------------------------------------------------------- servers
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(HUB_BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
# Keep nothing of root's environment but the locale: PATH and the rest are set below, so a hub started
# from inside some other virtual environment still gives users the hub's.
c.Spawner.env_keep = ["LANG", "LC_ALL"]
# JupyterLab's first start on a busy machine can take a while.
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120


def is_instructor(username: str) -> bool:
    """True when the Unix user ``username`` is in the instructors' group (as a member or as primary group)."""
    try:
        group = grp.getgrnam(INSTRUCTOR_GROUP)
    except KeyError:  # no such group: nobody is an instructor
        return False
    return username in group.gr_mem or pwd.getpwnam(username).pw_gid == group.gr_gid


def prepare_server(spawner) -> None:
    """Before a user's server starts (as root, in the hub): their environment, folder and view.

    Everyone: the hub environment first on PATH (nbgrader calls ``alembic`` from there) and the exchange.
    Instructors: the course folder, with nbgrader reading the course's nbgrader_config.py, the course's full
    package first on PYTHONPATH (the hub environment has the students' copy only), and the formgrader with its
    Content-Security-Policy (etc/jupyter-instructor).
    Students: their home folder made private (700), and the students' view.
    """
    username = spawner.user.name
    environment = {
        "PATH": f"{HUB_BIN}:/usr/local/bin:/usr/bin:/bin",
        "VIRTUAL_ENV": str(HUB_BIN.parent),
        "BACKPROP_EXCHANGE": EXCHANGE,
    }
    if is_instructor(username):
        environment["BACKPROP_COURSE_ROOT"] = str(COURSE)
        environment["PYTHONPATH"] = str(COURSE)
        # The formgrader's Content-Security-Policy on the pages that show a submission (as make formgrader has it).
        environment["JUPYTER_CONFIG_PATH"] = str(COURSE / "etc" / "jupyter-instructor")
        spawner.notebook_dir = str(COURSE)
        spawner.default_url = "/formgrader"
    else:
        # useradd makes homes readable by everyone (Debian's default umask 022): a student's fetched
        # feedback and work would be open to the others.
        os.chmod(pwd.getpwnam(username).pw_dir, 0o700)
        environment["JUPYTER_CONFIG_PATH"] = str(PREFIX / "etc" / "jupyter-student")
    spawner.environment = {**spawner.environment, **environment}


c.Spawner.pre_spawn_hook = prepare_server
