"""Local emulators of the platforms' wire APIs (Peak so far), for tests, demos and offline previews.

Runtime code never imports this package. Start one with `python -m providers.sandbox`, or in tests:

    with Sandbox() as sandbox:
        os.environ.update(sandbox.environment())
"""

from providers.sandbox.sandbox import Sandbox, SandboxControl, SandboxError

__all__ = ["Sandbox", "SandboxControl", "SandboxError"]
