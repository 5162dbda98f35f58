/** `--ci`: kept apart from ci.ts so that parsing the options does not load the CI writers. */
export const CI_CHOICES = ["auto", "github", "azure", "none"] as const;
