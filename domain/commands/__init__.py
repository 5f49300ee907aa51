"""Entry points of change: each command is an input model, a permission, an effect and what
follows.
"""
