"""What pyproject.toml cannot say: the example's facts (data/) are installed, the scripts beside them
that derive its layers are not (setuptools installs every module of a package it lists)."""

from setuptools import setup
from setuptools.command.build_py import build_py

FACTS_ONLY = "geo.example.data"


class BuildPy(build_py):
    def find_package_modules(self, package, package_dir):
        return [] if package == FACTS_ONLY else super().find_package_modules(package, package_dir)


setup(cmdclass={"build_py": BuildPy})
