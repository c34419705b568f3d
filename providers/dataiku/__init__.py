"""Dataiku DSS resource types: ``CodeStudio`` and ``CodeStudioTemplate``."""

from .code_studio import CodeStudio, CodeStudioArgs, CodeStudioOutputs, CodeStudioProvider
from .code_studio_template import (
    CodeStudioTemplate,
    CodeStudioTemplateArgs,
    CodeStudioTemplateOutputs,
    CodeStudioTemplateProvider,
)

__all__ = [
    "CodeStudio",
    "CodeStudioArgs",
    "CodeStudioOutputs",
    "CodeStudioProvider",
    "CodeStudioTemplate",
    "CodeStudioTemplateArgs",
    "CodeStudioTemplateOutputs",
    "CodeStudioTemplateProvider",
]
