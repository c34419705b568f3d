"""The provider plugin `pulumi-resource-mlplatforms`: the catalog's types through Pulumi's native provider
interface (`pulumi import`, customTimeouts, explicit providers, every language), with no behaviour of its own:
each request goes to the ``PlatformProvider`` method the dynamic types run."""
