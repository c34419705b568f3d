"""The provider plugin `pulumi-resource-mlplatforms`: the catalog's types through Pulumi's native
provider interface, with `pulumi import`, customTimeouts, explicit providers and every language.

It adds no behaviour of its own: each request goes to the same ``PlatformProvider`` method the
dynamic types run (check, diff, create, read, update, delete, configure), with the engine's
customTimeouts as the step's deadline and the owner mark computed from the URN.
"""
