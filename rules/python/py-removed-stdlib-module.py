# ruleid: py-removed-stdlib-module
import telnetlib
# ruleid: py-removed-stdlib-module
import imp as loader
# ruleid: py-removed-stdlib-module
from distutils.core import setup
# ruleid: py-removed-stdlib-module
from crypt import crypt
# ok: py-removed-stdlib-module
import importlib
# ok: py-removed-stdlib-module
from setuptools import setup as st_setup

__all__ = ["telnetlib", "loader", "setup", "crypt", "importlib", "st_setup"]
