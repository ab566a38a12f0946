/** Microsoft Graph v1.0 resources, as much of them as the scan selects. */

export interface M365Credentials {
  tenant_id: string;
  client_id: string;
  client_secret: string;
}

declare module '../provider.js' {
  interface CredentialsOf {
    m365: M365Credentials;
  }
}

export interface SubscribedSku {
  skuId: string;
  skuPartNumber: string;
  consumedUnits?: number;
  prepaidUnits?: { enabled?: number };
}

export interface GraphUser {
  id: string;
  displayName?: string;
  userPrincipalName?: string;
  accountEnabled?: boolean;
  createdDateTime?: string;
  assignedLicenses?: Array<{ skuId: string }>;
  /** Needs AuditLog.Read.All and an Entra ID P1 tenant; absent otherwise. */
  signInActivity?: { lastSignInDateTime?: string | null; lastNonInteractiveSignInDateTime?: string | null };
}

export interface Drive {
  id: string;
  name?: string;
  driveType?: string;
  webUrl?: string;
  lastModifiedDateTime?: string;
  quota?: { used?: number; total?: number; deleted?: number };
}

export interface Site {
  id: string;
  name?: string;
  displayName?: string;
  webUrl?: string;
  createdDateTime?: string;
  lastModifiedDateTime?: string;
  isPersonalSite?: boolean;
}

export interface DriveItem {
  id: string;
  name?: string;
  size?: number;
  webUrl?: string;
  lastModifiedDateTime?: string;
  file?: { mimeType?: string };
  folder?: { childCount?: number };
}

export interface DriveItemVersion {
  id: string;
  lastModifiedDateTime?: string;
  size?: number;
}

export interface RecycleBinItem {
  id: string;
  title?: string;
  size?: number;
  deletedDateTime?: string;
  deletedFromLocation?: string;
}
