# scrapyd-deploy builds its egg with `python setup.py bdist_egg` and, when a project has no setup.py,
# writes one into the checkout (name "project", version "1.0", every package it finds). This one
# leaves all of it to pyproject.toml, so the egg is the same package as the wheel.
from setuptools import setup

setup()
