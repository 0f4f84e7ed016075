"""Uptake: social-insurance coverage of China's migrant workers as a Mesa 3 model."""

from model.codes import INDUSTRIES, REGIONS, SCHEMES, Industry, Region, Scheme
from model.model import SUBSTEPS, UptakeModel
from model.params import Params
from model.policies import POLICIES, Cost, Policy, make_policy
from model.simulation import simulate

__all__ = [
    "INDUSTRIES",
    "POLICIES",
    "REGIONS",
    "SCHEMES",
    "SUBSTEPS",
    "Cost",
    "Industry",
    "Params",
    "Policy",
    "Region",
    "Scheme",
    "UptakeModel",
    "make_policy",
    "simulate",
]
