"""matcher: pair lowland and remote communes for kết nghĩa twinning, explainably."""

__version__ = "0.1.0"

from .model import Problem, Role, Rules, SolveParams, Unit
from .result import Result, Status

__all__ = ["Problem", "Result", "Role", "Rules", "SolveParams", "Status", "Unit", "__version__"]
