"""Pulumi resource types for ML platforms, written as Python dynamic providers.

Import a platform's package (``providers.peak``) in a Pulumi program; each resource type lives
in ``providers/<platform>/<resource>.py``.
"""
