import { Inject, Injectable } from '@nestjs/common';
import pLimit from 'p-limit';
import type { Finding } from '../../rules/finding.js';
import {
  abandonedSharePointSite,
  disabledUserOneDrive,
  excessiveVersions,
  oldRecycleBin,
  untouchedLargeFile,
  wastedLicences,
} from '../../rules/m365-rules.js';
import { scansConfig, type ScansConfig } from '../../scans.config.js';
import { providerCallError } from '../rest/provider-call-error.js';
import {
  guardedStep,
  ruleContext,
  type CloudProviderAdapter,
  type CloudScanner,
  type Identity,
  type RegionScanContext,
  type RegionScanResult,
  type StepTally,
} from '../provider.js';
import { RestError } from '../rest/json-client.js';
import { GraphClient } from './graph.client.js';
import type {
  Drive,
  DriveItem,
  DriveItemVersion,
  GraphUser,
  M365Credentials,
  RecycleBinItem,
  Site,
  SubscribedSku,
} from './graph-types.js';

/** Microsoft 365 is one tenant-wide "region". */
export const M365_REGION = 'global';

const USER_FIELDS = 'id,displayName,userPrincipalName,accountEnabled,createdDateTime,assignedLicenses';
const SITE_FIELDS = 'id,name,displayName,webUrl,createdDateTime,lastModifiedDateTime,isPersonalSite';
const FILE_FIELDS = 'id,name,size,webUrl,lastModifiedDateTime,file,folder';
const MB = 1024 ** 2;

/** Microsoft 365 (licences, OneDrive, SharePoint) through Microsoft Graph with an app-only token. */
@Injectable()
export class M365Provider implements CloudProviderAdapter<'m365'> {
  readonly provider = 'm365' as const;

  constructor(@Inject(scansConfig.KEY) private readonly config: ScansConfig) {}

  client(credentials: M365Credentials): GraphClient {
    return new GraphClient(credentials, {
      graphUrl: this.config.m365.graphUrl,
      authorityHost: this.config.m365.authorityHost,
      ...this.config.rest,
    });
  }

  async verifyIdentity(credentials: M365Credentials, signal?: AbortSignal): Promise<Identity> {
    try {
      const [organization] = await this.client(credentials).all<{ id: string; displayName?: string }>(
        '/organization',
        { $select: 'id,displayName' },
        signal,
      );
      return {
        identity: `${credentials.client_id}@${organization?.displayName ?? credentials.tenant_id}`,
        accountIdentifier: organization?.id ?? credentials.tenant_id,
      };
    } catch (error) {
      throw providerCallError('Microsoft 365', error);
    }
  }

  async openScanner(credentials: M365Credentials): Promise<CloudScanner> {
    return new M365Scanner(this.client(credentials), this.config.worker.requestConcurrency);
  }
}

class M365Scanner implements CloudScanner {
  private readonly limit: ReturnType<typeof pLimit>;

  constructor(
    private readonly graph: GraphClient,
    concurrency: number,
  ) {
    this.limit = pLimit(concurrency);
  }

  close(): void {}

  /** Users with their sign-in activity; without an Entra ID P1 tenant (403) Graph refuses it: read them without. */
  private async users(signal: AbortSignal): Promise<GraphUser[]> {
    try {
      return await this.graph.all<GraphUser>(
        '/users',
        { $select: `${USER_FIELDS},signInActivity`, $top: '999' },
        signal,
      );
    } catch (error) {
      if (!(error instanceof RestError) || error.statusCode !== 403) throw error;
      return this.graph.all<GraphUser>('/users', { $select: USER_FIELDS, $top: '999' }, signal);
    }
  }

  /** A drive, or undefined when there is none (a user who never opened OneDrive: 404). */
  private async drive(path: string, signal: AbortSignal): Promise<Drive | undefined> {
    try {
      return await this.limit(() =>
        this.graph.get<Drive>(
          path,
          { $select: 'id,name,driveType,webUrl,lastModifiedDateTime,quota' },
          signal,
        ),
      );
    } catch (error) {
      if (error instanceof RestError && error.statusCode === 404) return undefined;
      throw error;
    }
  }

  async scanRegion(ctx: RegionScanContext): Promise<RegionScanResult> {
    const tally: StepTally = { errors: [], succeeded: 0 };
    const findings: Finding[] = [];
    const add = (f: Finding | null) => f && findings.push(f);
    const signal = ctx.signal;
    const step = <T>(name: string, fn: () => Promise<T>) => guardedStep(ctx, tally, name, fn);
    if (ctx.region !== M365_REGION) return { findings, ...tally };

    const licenceRule = ruleContext(ctx, 'm365_license');
    const oneDriveRule = ruleContext(ctx, 'm365_onedrive');
    const users = licenceRule || oneDriveRule ? await step('users', () => this.users(signal)) : undefined;
    if (users) ctx.step('users', users.length);
    const disabled = (users ?? []).filter((u) => u.accountEnabled === false);

    if (users && licenceRule)
      await step('subscribedSkus', async () => {
        const skus = await this.graph.all<SubscribedSku>(
          '/subscribedSkus',
          { $select: 'skuId,skuPartNumber' },
          signal,
        );
        const parts = new Map(skus.map((s) => [s.skuId, s.skuPartNumber]));
        const licensedDisabled = disabled.filter((u) => u.assignedLicenses?.length);
        const seen = await ctx.sightings(
          'm365_license',
          licensedDisabled.map((u) => u.id),
        );
        for (const user of users) add(wastedLicences(user, parts, seen.get(user.id), licenceRule));
      });

    if (oneDriveRule && disabled.length > 0)
      await step('drives', async () => {
        const drives = await Promise.all(disabled.map((u) => this.drive(`/users/${u.id}/drive`, signal)));
        disabled.forEach((user, i) => {
          const drive = drives[i];
          if (drive) add(disabledUserOneDrive(user, drive, oneDriveRule));
        });
      });

    const siteRule = ruleContext(ctx, 'm365_sharepoint_site');
    const fileRule = ruleContext(ctx, 'm365_large_file');
    const versionRule = ruleContext(ctx, 'm365_file_versions');
    const binRule = ruleContext(ctx, 'm365_recycle_bin');
    if (!siteRule && !fileRule && !versionRule && !binRule) return { findings, ...tally };

    const sites = await step('sites', async () =>
      (
        await this.graph.all<Site>('/sites/getAllSites', { $select: SITE_FIELDS, $top: '200' }, signal)
      ).filter((s) => !s.isPersonalSite && !s.webUrl?.includes('-my.sharepoint.com/personal/')),
    );
    if (!sites) return { findings, ...tally };
    ctx.step('sites', sites.length);

    const drives = await step('siteDrives', () =>
      Promise.all(sites.map((site) => this.drive(`/sites/${site.id}/drive`, signal))),
    );
    if (siteRule && drives)
      sites.forEach((site, i) => add(abandonedSharePointSite(site, drives[i], siteRule)));

    if ((fileRule || versionRule) && drives)
      await step('driveItems', async () => {
        const versionMinBytes = (versionRule?.settings.params.min_size_mb ?? Infinity) * MB;
        for (const drive of drives.filter((d): d is Drive => !!d)) {
          // An empty search lists every item of the drive, all folders deep, page by page.
          const items = await this.limit(() =>
            this.graph.all<DriveItem>(
              `/drives/${drive.id}/root/search(q='')`,
              { $select: FILE_FIELDS, $top: '200' },
              signal,
            ),
          );
          ctx.step('driveItems', items.length);
          const files = items.filter((i) => i.file);
          if (fileRule) for (const file of files) add(untouchedLargeFile(drive.id, file, fileRule));
          if (!versionRule) continue;
          const big = files.filter((f) => (f.size ?? 0) >= versionMinBytes);
          // Each file is judged as soon as its versions arrive, so a drive's version lists are never all held.
          const judged = await Promise.all(
            big.map((file) =>
              this.limit(async () =>
                excessiveVersions(
                  drive.id,
                  file,
                  await this.graph.all<DriveItemVersion>(
                    `/drives/${drive.id}/items/${file.id}/versions`,
                    {},
                    signal,
                  ),
                  versionRule,
                ),
              ),
            ),
          );
          judged.forEach(add);
        }
      });

    if (binRule)
      await step('recycleBin', async () => {
        // Each site is judged as soon as its bin arrives, so the bins' items are never all held.
        const judged = await Promise.all(
          sites.map((site) =>
            this.limit(async () =>
              oldRecycleBin(
                site,
                // Site recycle bins exist only in Graph beta.
                await this.graph.all<RecycleBinItem>(
                  `/sites/${site.id}/recycleBin/items`,
                  {},
                  signal,
                  'beta',
                ),
                binRule,
              ),
            ),
          ),
        );
        judged.forEach(add);
      });

    return { findings, ...tally };
  }
}
