"""`python -m providers.plugin <engine address>`: the plugin, as `pulumi-resource-mlplatforms` runs it."""

from .server import main

main()
