import { CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * One row, written by the first migration: which database this is. Operators compare it across
 * instances (they share one database) and across restarts (the data was kept).
 */
@Entity({ name: 'installation' })
export class Installation {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
