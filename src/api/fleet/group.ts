/** The API group and version of Plinth's fleet kinds. */
export const FLEET_GROUP = 'fleet.plinth.dev';
export const FLEET_VERSION = 'v1alpha1';
export const FLEET_CATEGORIES = ['plinth', 'plinth-fleet'];
