"""AppConfig requests -> backend calls -> AppConfig's JSON, for the operations moto lacks.

A subclass of moto's `AppConfigResponse`: moto resolves the action from botocore's model (method
and URI template) and calls the snake_case method of the same name, so the new operations are
plain methods here and moto's own ones are inherited unchanged.
"""

from __future__ import annotations

import json
from typing import Any

from moto.appconfig.responses import AppConfigResponse

from providers.sandbox.appconfig.exceptions import BadRequest, Conflict, NotFound
from providers.sandbox.appconfig.models import CLOCK, AppConfigExtension, extension, page
from providers.sandbox.core.http import HttpError, json_object

Answer = tuple[str, dict[str, Any]]


def _answer(body: Any, status: int = 200) -> Answer:
    return ("" if body is None else json.dumps(body)), {"status": status, "content-type": "application/json"}


class SandboxAppConfigResponse(AppConfigResponse):
    @property
    def extension(self) -> AppConfigExtension:
        return extension(self.appconfig_backend)

    def _document(self) -> dict[str, Any]:
        try:
            return json_object(self.body or b"", required=False)
        except HttpError as error:
            raise BadRequest(error.message) from None

    def _env(self) -> tuple[str, str]:
        """The application and environment ids of the path."""
        return self._get_param("ApplicationId"), self._get_param("EnvironmentId")

    def _profile(self) -> Any:
        """Moto's configuration profile of the path."""
        app_id, profile_id = self._get_param("ApplicationId"), self._get_param("ConfigurationProfileId")
        return self.appconfig_backend.get_configuration_profile(app_id, profile_id)

    def _query(self, name: str) -> str | None:
        values = self.querystring.get(name)
        return values[0] if values else None

    def _paged(self, items: list[dict[str, Any]]) -> Answer:
        chosen, token = page(items, self._query("max_results"), self._query("next_token"))
        return _answer({"Items": chosen, **({"NextToken": token} if token else {})})

    # ---- applications (moto lists none) ----------------------------------------------------------

    def list_applications(self) -> Answer:
        return self._paged([app.to_json() for app in self.appconfig_backend.applications.values()])

    # ---- moto's deletes, made faithful (its not-found is a 200 or a 500) ---------------------------

    def delete_application(self) -> Answer:  # type: ignore[override]
        self.appconfig_backend.delete_application(self.extension.application(self._get_param("ApplicationId")).id)
        return _answer(None, 204)

    def delete_configuration_profile(self) -> Answer:  # type: ignore[override]
        app = self.extension.application(self._get_param("ApplicationId"))
        profile_id = self._get_param("ConfigurationProfileId")
        profile = app.config_profiles.get(profile_id)
        if profile is None:
            raise NotFound(f"Configuration profile {profile_id} not found", "ConfigurationProfile")
        if profile.config_versions:
            raise BadRequest(f"Configuration profile {profile_id} still has hosted configuration versions")
        del app.config_profiles[profile_id]
        return _answer(None, 204)

    # ---- hosted configuration versions (moto's, made faithful) -------------------------------------

    def create_hosted_configuration_version(self) -> tuple[str, dict[str, Any]]:
        profile = self._profile()
        # AWS never hands a version number out twice; moto counts from the highest one left.
        highest = max([profile.__dict__.get("sandbox_highest_version", 0), *profile.config_versions])
        expected = self.headers.get("Latest-Version-Number")
        if expected is not None and (
            not expected.isdigit() or int(expected) != max(profile.config_versions, default=0)
        ):
            raise Conflict(f"The latest version number of profile {profile.id} is not {expected}")
        label = self.headers.get("VersionLabel")
        if label is not None and label.isdigit():
            raise BadRequest("VersionLabel must contain at least one non-digit character")
        content, headers = super().create_hosted_configuration_version()
        created = profile.config_versions[headers["version-number"]]
        if created.version <= highest:
            del profile.config_versions[created.version]
            created.version = highest + 1
            profile.config_versions[created.version] = created
        profile.__dict__["sandbox_highest_version"] = created.version
        return content, {**_version_headers(created), "status": 201}

    def get_hosted_configuration_version(self) -> tuple[str, dict[str, Any]]:
        version = self._hosted_version()
        return version.content, _version_headers(version)

    def delete_hosted_configuration_version(self) -> Answer:  # type: ignore[override]
        version = self._hosted_version()
        self.appconfig_backend.delete_hosted_configuration_version(
            self._get_param("ApplicationId"), self._get_param("ConfigurationProfileId"), version.version
        )
        return _answer(None, 204)

    def list_hosted_configuration_versions(self) -> Answer:
        profile = self._profile()
        newest_first = sorted(profile.config_versions.values(), key=lambda v: -v.version)
        summaries = [
            {
                k: v
                for k, v in {
                    "ApplicationId": version.app_id,
                    "ConfigurationProfileId": version.config_id,
                    "VersionNumber": version.version,
                    "Description": version.description,
                    "ContentType": version.content_type,
                    "VersionLabel": version.version_label,
                }.items()
                if v is not None
            }
            for version in newest_first
        ]
        return self._paged(summaries)

    def _hosted_version(self) -> Any:
        profile = self._profile()
        number = self._get_param("VersionNumber")
        version = profile.config_versions.get(int(number)) if str(number).isdigit() else None
        if version is None:
            raise NotFound(f"Hosted configuration version {number} not found", "HostedConfigurationVersion")
        return version

    # ---- environments ----------------------------------------------------------------------------

    def create_environment(self) -> Answer:
        env = self.extension.create_environment(self._get_param("ApplicationId"), self._document())
        return _answer(env.to_json(CLOCK.minutes()), 201)

    def get_environment(self) -> Answer:
        env = self.extension.get_environment(*self._env())
        return _answer(env.to_json(CLOCK.minutes()))

    def list_environments(self) -> Answer:
        now = CLOCK.minutes()
        return self._paged(
            [env.to_json(now) for env in self.extension.list_environments(self._get_param("ApplicationId"))]
        )

    def update_environment(self) -> Answer:
        doc = self._document()
        env = self.extension.update_environment(
            *self._env(), doc.get("Name"), doc.get("Description"), doc.get("Monitors")
        )
        return _answer(env.to_json(CLOCK.minutes()))

    def delete_environment(self) -> Answer:
        self.extension.delete_environment(*self._env(), CLOCK.minutes())
        return _answer(None, 204)

    # ---- deployment strategies -------------------------------------------------------------------

    def create_deployment_strategy(self) -> Answer:
        return _answer(self.extension.create_strategy(self._document()).to_json(), 201)

    def get_deployment_strategy(self) -> Answer:
        return _answer(self.extension.get_strategy(self._get_param("DeploymentStrategyId")).to_json())

    def list_deployment_strategies(self) -> Answer:
        return self._paged([strategy.to_json() for strategy in self.extension.all_strategies()])

    def update_deployment_strategy(self) -> Answer:
        strategy = self.extension.update_strategy(self._get_param("DeploymentStrategyId"), self._document())
        return _answer(strategy.to_json())

    def delete_deployment_strategy(self) -> Answer:
        # Served on the platform's misspelled path, /deployementstrategies/{id}.
        self.extension.delete_strategy(self._get_param("DeploymentStrategyId"))
        return _answer(None, 204)

    # ---- deployments -----------------------------------------------------------------------------

    def start_deployment(self) -> Answer:
        now = CLOCK.minutes()
        deployment = self.extension.start_deployment(*self._env(), self._document(), now)
        return _answer(deployment.to_json(now), 201)

    def get_deployment(self) -> Answer:
        deployment = self.extension.get_deployment(*self._env(), self._get_int_param("DeploymentNumber"))
        answer = _answer(deployment.to_json(CLOCK.minutes()))
        deployment.read()
        return answer

    def list_deployments(self) -> Answer:
        now = CLOCK.minutes()
        newest_first = self.extension.list_deployments(*self._env())
        # The token is the last number returned, not an offset: a deployment started between two
        # pages goes on top and must not push an item seen already onto the next page.
        token = self._query("next_token")
        if token:
            if not token.isdigit():
                raise BadRequest("The NextToken is not valid")
            newest_first = [d for d in newest_first if d.number < int(token)]
        chosen, more = page(newest_first, self._query("max_results"), None)
        body: dict[str, Any] = {"Items": [d.to_summary(now) for d in chosen]}
        if more is not None:
            body["NextToken"] = str(chosen[-1].number)
        return _answer(body)

    def stop_deployment(self) -> Answer:
        now = CLOCK.minutes()
        allow_revert = (self.headers.get("Allow-Revert") or "").lower() == "true"
        deployment = self.extension.stop_deployment(
            *self._env(), self._get_int_param("DeploymentNumber"), allow_revert, now
        )
        return _answer(deployment.to_json(now), 202)


def _version_headers(version: Any) -> dict[str, Any]:
    """Moto's headers without the ones it fills with the text "None"."""
    headers = {
        "Application-Id": version.app_id,
        "Configuration-Profile-Id": version.config_id,
        "Version-Number": str(version.version),
        "Description": version.description,
        "Content-Type": version.content_type,
        "VersionLabel": version.version_label,
    }
    return {k: v for k, v in headers.items() if v is not None}
