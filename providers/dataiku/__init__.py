"""Dataiku DSS resource types: ``CodeStudio``."""

from .code_studio import CodeStudio, CodeStudioArgs, CodeStudioOutputs, CodeStudioProvider

__all__ = ["CodeStudio", "CodeStudioArgs", "CodeStudioOutputs", "CodeStudioProvider"]
