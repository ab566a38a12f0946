import type {
  Drive,
  DriveItem,
  DriveItemVersion,
  GraphUser,
  RecycleBinItem,
  Site,
} from '../providers/m365/graph-types.js';
import { daysSince } from './confidence.js';
import { costLine, finding, type Finding, type RuleContext } from './finding.js';
import { GIB, round } from './metric-summary.js';

const MB = 1024 ** 2;
const gb = (bytes: number | undefined) => round((bytes ?? 0) / GIB, 3);

/** The later of the interactive and non-interactive sign-ins; undefined when Graph gave no sign-in activity. */
export function lastSignIn(user: GraphUser): string | null | undefined {
  if (!user.signInActivity) return undefined;
  const times = [user.signInActivity.lastSignInDateTime, user.signInActivity.lastNonInteractiveSignInDateTime]
    .filter((t): t is string => !!t)
    .sort();
  return times.at(-1) ?? null;
}

/**
 * Licences assigned to a disabled user, or to one who has not signed in for `inactive_days` (never signed in:
 * counted from the account's creation). Each licence is priced by its SKU part number.
 */
export function wastedLicences(
  user: GraphUser,
  skuParts: Map<string, string>,
  firstSeenDisabled: Date | undefined,
  ctx: RuleContext,
): Finding | null {
  const licences = user.assignedLicenses ?? [];
  if (licences.length === 0) return null;
  const { inactive_days: inactiveDays, min_disabled_days: minDisabled } = ctx.settings.params;
  const signedIn = lastSignIn(user);
  const inactive = signedIn === undefined ? null : daysSince(signedIn ?? user.createdDateTime, ctx.now);
  let reason: string;
  let idleDays: number | null;
  if (user.accountEnabled === false) {
    const disabledDays = daysSince(firstSeenDisabled ?? ctx.now, ctx.now) as number;
    if (disabledDays < minDisabled) return null;
    idleDays = inactive ?? disabledDays;
    reason = `Account disabled (seen so for ${disabledDays} days) with ${licences.length} licence(s) still assigned`;
  } else {
    if (inactive === null || inactive < inactiveDays) return null;
    idleDays = inactive;
    reason = signedIn
      ? `No sign-in for ${inactive} days (last ${signedIn.slice(0, 10)}), ${licences.length} licence(s) assigned`
      : `Never signed in since the account was created ${inactive} days ago, ${licences.length} licence(s) assigned`;
  }
  const parts = licences.map((l) => skuParts.get(l.skuId) ?? l.skuId);
  return finding({
    resourceType: 'm365_license',
    resourceId: user.id,
    name: user.userPrincipalName ?? user.displayName ?? null,
    region: ctx.region,
    ageDays: daysSince(user.createdDateTime, ctx.now),
    idleDays,
    reason,
    costs: parts.map((part) =>
      costLine(ctx.prices, ctx.region, `m365.license.${part}.month`, 1, `${part} licence`),
    ),
    details: {
      account_enabled: user.accountEnabled !== false,
      last_sign_in: signedIn ?? null,
      sign_in_activity_known: signedIn !== undefined,
      skus: parts,
    },
  });
}

/** The OneDrive of a disabled user, billed per GB once the account has no licence (or kept by one). */
export function disabledUserOneDrive(user: GraphUser, drive: Drive, ctx: RuleContext): Finding | null {
  if (user.accountEnabled !== false) return null;
  const used = drive.quota?.used ?? 0;
  if (used < ctx.settings.params.min_used_mb * MB) return null;
  return finding({
    resourceType: 'm365_onedrive',
    resourceId: drive.id,
    name: `OneDrive of ${user.userPrincipalName ?? user.id}`,
    region: ctx.region,
    ageDays: daysSince(drive.lastModifiedDateTime, ctx.now),
    reason: `OneDrive of a disabled account holding ${gb(used)} GB, last changed ${drive.lastModifiedDateTime?.slice(0, 10) ?? 'never'}`,
    costs: [
      costLine(
        ctx.prices,
        ctx.region,
        'm365.onedrive.unlicensed.gb_month',
        gb(used),
        'OneDrive storage (GB)',
      ),
    ],
    details: { user_id: user.id, used_gb: gb(used), web_url: drive.webUrl },
  });
}

/** A SharePoint site nobody changed for `inactive_days`, priced by the storage of its document library. */
export function abandonedSharePointSite(
  site: Site,
  drive: Drive | undefined,
  ctx: RuleContext,
): Finding | null {
  const inactive = daysSince(site.lastModifiedDateTime ?? site.createdDateTime, ctx.now);
  if (inactive === null || inactive < ctx.settings.params.inactive_days) return null;
  const used = drive?.quota?.used ?? 0;
  return finding({
    resourceType: 'm365_sharepoint_site',
    resourceId: site.id,
    name: site.displayName ?? site.name ?? site.webUrl ?? null,
    region: ctx.region,
    ageDays: daysSince(site.createdDateTime, ctx.now),
    idleDays: inactive,
    reason: `No change for ${inactive} days; ${gb(used)} GB stored`,
    costs: [
      costLine(
        ctx.prices,
        ctx.region,
        'm365.sharepoint.storage.gb_month',
        gb(used),
        'SharePoint storage (GB)',
      ),
    ],
    details: { web_url: site.webUrl, last_modified: site.lastModifiedDateTime, used_gb: gb(used) },
  });
}

export function untouchedLargeFile(driveId: string, item: DriveItem, ctx: RuleContext): Finding | null {
  const { min_size_mb: minMb, untouched_days: untouchedDays } = ctx.settings.params;
  if (!item.file || (item.size ?? 0) < minMb * MB) return null;
  const untouched = daysSince(item.lastModifiedDateTime, ctx.now);
  if (untouched === null || untouched < untouchedDays) return null;
  return finding({
    resourceType: 'm365_large_file',
    resourceId: `${driveId}/${item.id}`,
    name: item.name ?? null,
    region: ctx.region,
    ageDays: untouched,
    reason: `${round((item.size ?? 0) / MB)} MB file not modified for ${untouched} days`,
    costs: [
      costLine(
        ctx.prices,
        ctx.region,
        'm365.sharepoint.storage.gb_month',
        gb(item.size),
        'SharePoint storage (GB)',
      ),
    ],
    details: {
      web_url: item.webUrl,
      size_mb: round((item.size ?? 0) / MB),
      last_modified: item.lastModifiedDateTime,
    },
  });
}

/** A file keeping more than `max_versions` versions: the older versions' bytes are the waste. */
export function excessiveVersions(
  driveId: string,
  item: DriveItem,
  versions: DriveItemVersion[],
  ctx: RuleContext,
): Finding | null {
  const maxVersions = ctx.settings.params.max_versions;
  if (versions.length <= maxVersions) return null;
  // The newest version is the file itself; the older ones are what the history costs.
  const older = [...versions]
    .sort((a, b) => (b.lastModifiedDateTime ?? '').localeCompare(a.lastModifiedDateTime ?? ''))
    .slice(1);
  const bytes = older.reduce((sum, v) => sum + (v.size ?? 0), 0);
  return finding({
    resourceType: 'm365_file_versions',
    resourceId: `${driveId}/${item.id}`,
    name: item.name ?? null,
    region: ctx.region,
    ageDays: daysSince(older.at(-1)?.lastModifiedDateTime, ctx.now),
    reason: `${versions.length} versions kept (more than ${maxVersions}); the ${older.length} older ones hold ${gb(bytes)} GB`,
    costs: [
      costLine(ctx.prices, ctx.region, 'm365.sharepoint.storage.gb_month', gb(bytes), 'old versions (GB)'),
    ],
    details: { web_url: item.webUrl, versions: versions.length, old_versions_gb: gb(bytes) },
  });
}

/** A site's recycle bin items deleted more than `min_age_days` ago, still counted against the storage quota. */
export function oldRecycleBin(site: Site, items: RecycleBinItem[], ctx: RuleContext): Finding | null {
  const minAge = ctx.settings.params.min_age_days;
  const old = items.filter((i) => (daysSince(i.deletedDateTime, ctx.now) ?? 0) >= minAge);
  if (old.length === 0) return null;
  const bytes = old.reduce((sum, i) => sum + (i.size ?? 0), 0);
  const oldest = Math.max(...old.map((i) => daysSince(i.deletedDateTime, ctx.now) ?? 0));
  return finding({
    resourceType: 'm365_recycle_bin',
    resourceId: `${site.id}/recycleBin`,
    name: `Recycle bin of ${site.displayName ?? site.webUrl ?? site.id}`,
    region: ctx.region,
    ageDays: oldest,
    reason: `${old.length} item(s) deleted over ${minAge} days ago still hold ${gb(bytes)} GB (oldest ${oldest} days)`,
    costs: [
      costLine(ctx.prices, ctx.region, 'm365.sharepoint.storage.gb_month', gb(bytes), 'recycle bin (GB)'),
    ],
    details: { site_url: site.webUrl, items: old.length, size_gb: gb(bytes) },
  });
}
