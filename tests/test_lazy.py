"""`checks.lazy`: torch's functions resolved on first call, and its dtypes, constants and classes passed as themselves.

Each check runs in a fresh interpreter, where torch is not yet imported.
"""
import subprocess
import sys
import textwrap


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_function_named_before_torch_is_imported_imports_it_only_when_called():
    assert _run("""
        import sys
        from checks.lazy import F, torch
        tanh, norm = torch.tanh, torch.linalg.norm
        print('torch' in sys.modules, end=' ')
        print(float(norm(torch.ones(4))), float(tanh(torch.zeros(1))), 'torch' in sys.modules)
    """) == "False 2.0 0.0 True"


def test_dtypes_constants_and_classes_are_the_real_ones_before_and_after_the_import():
    assert _run("""
        from checks.lazy import torch
        early = torch.float64, torch.inf
        x = torch.zeros(2, dtype=torch.bool)
        print(early[0] is __import__('torch').float64, early[1], x.dtype, isinstance(x, torch.Tensor))
    """) == "True inf torch.bool True"


def test_inside_a_model_every_attribute_is_torchs_own():
    assert _run("""
        import torch as real
        from checks.lazy import F, torch
        print(torch.tanh is real.tanh, F.relu is real.nn.functional.relu, torch.clamp(real.ones(1), max=torch.inf).item())
    """) == "True True 1.0"
