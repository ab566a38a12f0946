import type { RuleDefinition } from './catalog.js';
import { integer, minAgeDays } from './catalog-params.js';

/** Microsoft 365 rules, read through Microsoft Graph (one pseudo-region: `global`). */
export const M365_RULES: RuleDefinition[] = [
  {
    resourceType: 'm365_license',
    provider: 'm365',
    title: 'Licences of disabled or inactive users',
    description:
      'Users with assigned licences who are disabled, or whose last sign-in (`signInActivity`, interactive or not) is older than the threshold; priced per SKU part number',
    parameters: [
      integer('inactive_days', 'Report enabled users who have not signed in for this many days', 1, 3650, 90),
      integer('min_disabled_days', 'Report disabled users once seen disabled for this many days', 0, 3650, 0),
    ],
  },
  {
    resourceType: 'm365_onedrive',
    provider: 'm365',
    title: 'OneDrive of a disabled user',
    description: 'The OneDrive of a disabled account, priced per GB used (`quota.used`)',
    parameters: [integer('min_used_mb', 'Only report drives using at least this many MB', 0, 10_000_000, 1)],
  },
  {
    resourceType: 'm365_sharepoint_site',
    provider: 'm365',
    title: 'Abandoned SharePoint site',
    description:
      'Sites (not personal ones) whose `lastModifiedDateTime` is older than the threshold, priced by the storage of their document library',
    parameters: [integer('inactive_days', 'Report sites not changed for this many days', 1, 3650, 180)],
  },
  {
    resourceType: 'm365_large_file',
    provider: 'm365',
    title: 'Large file untouched for long',
    description: 'Files in site document libraries above a size, not modified for the given number of days',
    parameters: [
      integer('min_size_mb', 'Only report files at least this many MB', 1, 1_000_000, 100),
      integer('untouched_days', 'Report files not modified for this many days', 1, 3650, 365),
    ],
  },
  {
    resourceType: 'm365_file_versions',
    provider: 'm365',
    title: 'Excessive version history',
    description:
      'Files keeping more versions than the threshold; the bytes of the older versions are the waste',
    parameters: [
      integer('max_versions', 'Report files with more versions than this', 1, 50_000, 100),
      integer('min_size_mb', 'Only look at the versions of files at least this many MB', 0, 1_000_000, 10),
    ],
  },
  {
    resourceType: 'm365_recycle_bin',
    provider: 'm365',
    title: 'Old recycle-bin contents',
    description:
      "Items of a site's recycle bin deleted longer ago than the threshold, still counted in storage",
    parameters: [minAgeDays(30, 'deleted items')],
  },
];
