import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Role } from '../roles.js';

@Entity('users')
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Unique case-insensitively (index on lower(email)); null only for external-IdP users whose token has none. */
  @Column({ type: 'text', nullable: true })
  email: string | null;

  @Column({ type: 'text' })
  username: string;

  /** As the user gave it at sign-up or in their profile; free text, never used to sign in. */
  @Column({ name: 'full_name', type: 'text', nullable: true })
  fullName: string | null;

  /** argon2id; null for users who only sign in through an external identity provider. */
  @Column({ name: 'password_hash', type: 'text', nullable: true, select: false })
  passwordHash: string | null;

  @Column({ type: 'enum', enum: Role, enumName: 'user_role', default: Role.USER })
  role: Role;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  groups: string[];

  @Column({ name: 'is_active', default: true })
  isActive: boolean;

  @Column({ name: 'email_verified', default: false })
  emailVerified: boolean;

  /** `issuer|sub` of an external identity provider user. */
  @Column({ name: 'external_subject', type: 'text', nullable: true, unique: true })
  externalSubject: string | null;

  @Column({ name: 'last_login_at', type: 'timestamptz', nullable: true })
  lastLoginAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
