/** The API group and version of Plinth's release kinds. */
export const RELEASE_GROUP = 'apps.plinth.dev';
export const RELEASE_VERSION = 'v1alpha1';
export const RELEASE_CATEGORIES = ['plinth', 'plinth-release'];
