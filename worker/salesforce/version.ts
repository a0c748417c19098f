/** The one Salesforce REST API version every call uses: Winter '27, current in every org from late 2026. */
export const SALESFORCE_API_VERSION = "v68.0";
