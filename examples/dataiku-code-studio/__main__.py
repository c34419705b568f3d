import pulumi

from providers.dataiku import CodeStudio, CodeStudioArgs, CodeStudioTemplate, CodeStudioTemplateArgs

# SANDBOX is the project the sandbox's DSS holds from the start; a real stack sets its own.
config = pulumi.Config()
project_key = config.get("projectKey") or "SANDBOX"

# The team's image: VS Code plus a Streamlit port. Its build is followed to the end before any
# code studio uses it; a change of params rebuilds it in place.
template = CodeStudioTemplate(
    "team-ide",
    CodeStudioTemplateArgs(
        label=f"Team IDE ({pulumi.get_stack()})",
        params={"exposedPorts": [8080, 8501]},
        # Destroy deletes the template only; True would also delete the runtimes of every code studio built
        # from it, other users' included.
        delete_runtimes_on_destroy=False,
        timeout_seconds=1800,
    ),
)

ide = CodeStudio(
    "analyst-ide",
    CodeStudioArgs(
        project_key=project_key,
        name=f"analyst-ide-{pulumi.get_stack()}",
        template_id=template.template_id,
        owner=config.get("owner") or "analyst",
        # Set desiredState to `stopped` for the night: the zones are pulled back to DSS first.
        desired_state=config.get("desiredState") or "running",
        # A destroy or stop fails (and lists the files) while work in the studio conflicts with DSS;
        # set discardConflictingFiles=true to accept losing those files.
        discard_conflicting_files=config.get_bool("discardConflictingFiles") or False,
        timeout_seconds=600,
    ),
)

pulumi.export("template_id", template.template_id)
pulumi.export("template_built", template.last_built)
pulumi.export("code_studio_id", ide.code_studio_id)
pulumi.export("state", ide.state)
pulumi.export("template_label", ide.template_label)
pulumi.export("synced_zones", ide.synced_zones)
pulumi.export("exposed_ports", ide.exposed_ports)
