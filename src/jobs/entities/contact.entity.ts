import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** The target of the `contacts` kind; one contact per email, case-insensitively. */
@Entity('contacts')
export class Contact {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'text' })
  email: string;

  @Column({ name: 'first_name', type: 'text' })
  firstName: string;

  @Column({ name: 'last_name', type: 'text' })
  lastName: string;

  @Column({ type: 'text', nullable: true })
  company: string | null;

  /** The job that last wrote this contact (lineage, not a foreign key: bulk loads skip the per-row check). */
  @Column({ name: 'source_job_id', type: 'uuid', nullable: true })
  sourceJobId: string | null;

  @Column({ name: 'source_row_hash', type: 'text', nullable: true })
  sourceRowHash: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
