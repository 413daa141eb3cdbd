"""Hostile submissions, one per attack class: what each tries, written as a student who read the README would.

Each attack is source text with `{placeholders}` for the paths a well-informed
attacker would know: the project's checkout, the Python environment, the class
folder, the JSON output. `ATTACKS` maps a name to a `.py` file's text, or to a
package (a dict of files); `LOAD_REFUSED` holds the names whose submission must
be refused before anything runs.
"""
from __future__ import annotations

ATTACKS: dict[str, str | dict[str, str]] = {}

ATTACKS["reads_reference"] = '''
import glob, os
CANDIDATES = glob.glob("{project}/derivations/**/*.py", recursive=True) + glob.glob("/**/derivations/*/batchnorm.py")
SOURCE = {{}}
for path in CANDIDATES:
    try:
        exec(open(path).read(), SOURCE)
    except Exception:
        pass

def bn_dL_dx(dy, xhat, gamma, var, eps):
    return SOURCE["bn_dL_dx"](dy, xhat, gamma, var, eps)

def dropout_dL_dx(dy, M):
    exec(open("{project}/derivations/block_one/dropout.py").read(), SOURCE)
    return SOURCE["dropout_dL_dx"](dy, M)
'''

ATTACKS["reads_classmate"] = '''
import os
def _borrow(name):
    namespace = {{}}
    for folder in (os.getcwd(), "{folder}"):
        for path in sorted(os.listdir(folder)):
            if path.startswith("honest"):
                exec(open(os.path.join(folder, path)).read(), namespace)
    return namespace[name]

def eq03_dL_db2B(yB_hat, yB, m):
    return _borrow("eq03_dL_db2B")(yB_hat, yB, m)
'''

ATTACKS["removes_the_guard"] = '''
import sys
def dropout_dL_dx(dy, M):
    sys.meta_path[:] = [finder for finder in sys.meta_path if type(finder).__name__ != "ImportGuard"]
    sys.path.extend(["{site_packages}", "{project}"])
    import torch
    x = torch.tensor(dy)
    return (torch.tensor(M) * x).numpy()

def softmax_dL_dx(y, dy):
    sys.meta_path[:] = [finder for finder in sys.meta_path if type(finder).__name__ != "ImportGuard"]
    sys.path.extend(["{site_packages}", "{project}"])
    import derivations
    return derivations.softmax_dL_dx(y, dy)
'''

ATTACKS["torch_in_a_subprocess"] = '''
import json, subprocess
def dropout_dL_dx(dy, M):
    code = "import json,sys,torch; d,M=json.load(sys.stdin); print(json.dumps((torch.tensor(M)*torch.tensor(d)).tolist()))"
    for python in ("{python}", "{venv_python}", "/usr/bin/python3", "python3"):
        try:
            done = subprocess.run([python, "-c", code], input=json.dumps([dy.tolist(), M.tolist()]),
                                  capture_output=True, text=True, timeout=1)
            if done.returncode == 0:
                return json.loads(done.stdout)
        except Exception:
            pass
    raise RuntimeError("no torch anywhere")
'''

ATTACKS["package_named_torch"] = {
    "__init__.py": '''
import os
__path__.append("{site_packages}/torch")
try:
    from torch import _C
    REAL = True
except Exception:
    REAL = False

def dropout_dL_dx(dy, M):
    if not REAL:
        raise RuntimeError("the real torch is not here")
    return M * dy
''',
}

ATTACKS["float32_finite_differences"] = '''
import numpy as np
def _loss(x, dy):
    return float(np.sum(dy * (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5)))

def bn_dL_dx(x, dy, gamma, eps):
    grad = np.zeros_like(x)
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            shifted = x.copy()
            shifted[i, j] += 1e-4
            grad[i, j] = (_loss(shifted, dy * gamma) - _loss(x, dy * gamma)) / 1e-4
    return grad.astype(np.float32)

def softmax_dL_dx(y, dy):
    return (y * (dy - (dy * y).sum(axis=1, keepdims=True)) + 3e-7).astype(np.float32)
'''

ATTACKS["constant_forward_and_zeros"] = '''
import numpy as np
def forward_yA_hat(x, theta2A):
    return np.zeros((x.shape[0], theta2A.shape[0]))

def forward_yB_hat(x, theta2B):
    return np.full((x.shape[0], theta2B.shape[0]), 1.0 / theta2B.shape[0])

def eq06_dL_dtheta1B(theta1B):
    return np.zeros_like(theta1B)

def eq13_dL_dtheta1A(theta1A):
    return np.zeros_like(theta1A)

def eq07_dL_db1B(b1B):
    return np.zeros_like(b1B)
'''

ATTACKS["forward_asks_for_its_answer"] = '''
def forward_yB_hat(yB_hat):
    return yB_hat

def forward_yA_hat(**everything):
    return everything["yA_hat"]
'''

ATTACKS["plants_a_pth_file"] = '''
import os
def dropout_dL_dx(dy, M):
    for folder in ("{site_packages}", "{base_site_packages}"):
        try:
            with open(os.path.join(folder, "zz_gradjudge_owned.pth"), "w") as out:
                out.write("import os; os.environ['OWNED'] = '1'\\n")
        except Exception:
            pass
    return M * dy
'''

ATTACKS["rewrites_the_rubric"] = '''
def dropout_dL_dx(dy, M):
    for path in ("{project}/checks/data/default_rubric.toml", "{rubric}"):
        try:
            open(path, "w").write("[grading]\\necf_fraction = 1.0\\n")
        except Exception:
            pass
    return M * dy
'''

ATTACKS["tampers_with_classmates"] = '''
import os, glob
def dropout_dL_dx(dy, M):
    for path in glob.glob("{folder}/honest*") + glob.glob("honest*"):
        try:
            if path.endswith("bob.py"):
                os.remove(path)
            else:
                open(path, "w").write("def dropout_dL_dx(dy, M):\\n    return 0 * dy\\n")
        except Exception:
            pass
    return M * dy
'''

ATTACKS["kills_every_process"] = '''
import os, signal
def dropout_dL_dx(dy, M):
    mine = os.getpid()
    for name in os.listdir("/proc"):
        if name.isdigit() and int(name) not in (mine, 1):
            try:
                os.kill(int(name), signal.SIGKILL)
            except Exception:
                pass
    try:
        os.kill(os.getppid(), signal.SIGKILL)
    except Exception:
        pass
    return M * dy
'''

ATTACKS["leaves_a_daemon"] = '''
import os, time
def dropout_dL_dx(dy, M):
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            time.sleep(4)
            try:
                open("{json}", "w").write("{{}}")
            except Exception:
                pass
            while True:
                time.sleep(1)
        os._exit(0)
    return M * dy
'''

ATTACKS["uses_the_network"] = '''
import socket
def dropout_dL_dx(dy, M):
    try:
        socket.create_connection(("127.0.0.1", {port}), timeout=1).sendall(b"answers please")
    except Exception:
        pass
    try:
        socket.create_connection(("pypi.org", 443), timeout=1)
    except Exception:
        pass
    return M * dy
'''

ATTACKS["reads_the_grader_memory"] = '''
import os
def _loot():
    found = []
    for name in [str(os.getppid()), "1"] + os.listdir("/proc"):
        for part in ("environ", "cmdline"):
            try:
                found.append(open(f"/proc/{{name}}/{{part}}", "rb").read().decode(errors="replace"))
            except Exception:
                pass
        try:
            with open(f"/proc/{{name}}/mem", "rb") as memory:
                memory.seek(0x400000)
                found.append(memory.read(4096).decode(errors="replace"))
        except Exception:
            pass
    return " | ".join(found)

def dropout_dL_dx(dy, M):
    raise RuntimeError(_loot())
'''

ATTACKS["forges_replies"] = '''
import json, os, struct, sys
def _send(header, tail=b""):
    data = header if isinstance(header, bytes) else json.dumps(header).encode()
    os.write(int(sys.argv[2]), struct.pack("<Q", len(data)) + data + tail)

def dropout_dL_dx(dy, M):
    _send({{"error": None, "tags": [], "seconds": 0.0}})
    return M * dy

def bn_dL_dbeta(dy):
    _send([1, 2, 3])
    return dy.sum(axis=0)

def softmax_dL_dx(y, dy):
    _send({{"error": None, "tags": [], "seconds": 0.0, "kind": "array",
           "arrays": [{{"key": None, "dtype": "<f8", "shape": [2**40 - 1, 2**40 - 1, 2**40 - 1]}}]}})
    return dy

def eq01_dL_dyB_hat(yB, yB_hat, m):
    _send(b"[" * (2**20 - 8) + b"]")
    return -yB / (m * yB_hat)

def eq03_dL_db2B(yB_hat, yB, m):
    _send({{"error": None, "tags": [], "seconds": 0.0, "kind": "array",
           "arrays": [{{"key": None, "dtype": "<f8", "shape": [2**26]}}]}})
    return (yB_hat - yB).sum(axis=0) / m

def eq04_dL_dx2B(yB_hat, yB, theta2B, m):
    os.write(int(sys.argv[2]), struct.pack("<Q", 2**29))
    return (yB_hat - yB) @ theta2B / m

def eq09_dL_db2A(yA_hat, yA, yB_hat, yB, theta2B, m):
    _send({{"error": None, "tags": ["ecf", "passed"], "seconds": 0.0, "kind": "none", "arrays": []}})
    return yA_hat.sum(axis=0)
'''

ATTACKS["returns_a_huge_array"] = '''
import numpy as np
def dropout_dL_dx(dy, M):
    return np.ones((300 * 2**20 // 8,))
'''

ATTACKS["stalls_under_the_timeout"] = '''
import time
def dropout_dL_dx(dy, M):
    time.sleep({stall})
    return M * dy

def bn_dL_dbeta(dy):
    time.sleep({stall})
    return dy.sum(axis=0)
'''

ATTACKS["forks_and_allocates"] = '''
import os
import numpy as np
def dropout_dL_dx(dy, M):
    children = []
    for _ in range(200):
        try:
            pid = os.fork()
        except OSError:
            break
        if pid == 0:
            try:
                hog = np.ones(100 * 2**20)
            except MemoryError:
                pass
            os._exit(0)
        children.append(pid)
    for pid in children:
        os.waitpid(pid, 0)
    return M * dy
'''

ATTACKS["spoofs_the_terminal"] = '''
def dropout_dL_dx(dy, M):
    raise RuntimeError("\\x1b[2J\\x1b[H\\x1b[32mall 29 / 29 passed\\x1b[0m [bold]markup[/bold] \\u202eevil")

def bn_dL_dbeta(dy):
    raise RuntimeError("done\\n```\\n\\n**Full marks**: 29 / 29\\n\\n```")
'''

ATTACKS["huge_source"] = "X = 1\n" + "# padding to make the file huge\n" * (2 * 2**20 // 32) + "def dropout_dL_dx(dy, M):\n    return M * dy\n"

ATTACKS["pathological_source"] = "X = " + "1+" * 100_000 + "1\ndef dropout_dL_dx(dy, M):\n    return M * dy\n"

LOAD_REFUSED = {"huge_source", "pathological_source", "symlink_to_classmate", "package_with_a_fifo",
                "package_with_a_device_link", "package_named_torch_in_a_process"}
"""Submissions refused before they run; those made of links or pipes are built by the test itself."""
