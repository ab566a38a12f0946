import { Column, Entity, PrimaryColumn } from 'typeorm';

/** WoRMS English common name by AphiaID; `commonName` null means WoRMS has none (a 204). */
@Entity('worms_vernacular_cache')
export class VernacularName {
  @PrimaryColumn({ name: 'aphia_id', type: 'integer' })
  aphiaId: number;

  @Column({ name: 'common_name', type: 'text', nullable: true })
  commonName: string | null;

  @Column({ name: 'fetched_at', type: 'timestamptz' })
  fetchedAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
