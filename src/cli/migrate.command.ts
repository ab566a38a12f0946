import { Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Command, CommandRunner } from 'nest-commander';
import { DataSource } from 'typeorm';

/** The advisory lock every `migrate` takes: replicas starting together apply the migrations one after the other. */
const MIGRATIONS_LOCK = 'terrawatch:migrations';

@Command({ name: 'migrate', description: 'Apply pending database migrations (one process at a time)' })
export class MigrateCommand extends CommandRunner {
  private readonly logger = new Logger(MigrateCommand.name);

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
  }

  async run(): Promise<void> {
    // A session lock on a connection of its own, held while the migrations run on others: the second replica waits,
    // then finds nothing left to apply. A process that dies releases it with its connection.
    const lock = this.dataSource.createQueryRunner();
    await lock.connect();
    try {
      const [{ got }] = (await lock.query(`SELECT pg_try_advisory_lock(hashtext($1)) AS got`, [
        MIGRATIONS_LOCK,
      ])) as [{ got: boolean }];
      if (!got) {
        this.logger.log('Another process is applying the migrations; waiting for it');
        await lock.query(`SELECT pg_advisory_lock(hashtext($1))`, [MIGRATIONS_LOCK]);
      }
      const applied = await this.dataSource.runMigrations({ transaction: 'each' });
      console.log(
        applied.length ? `Applied ${applied.map((m) => m.name).join(', ')}` : 'Database is up to date',
      );
    } finally {
      await lock.query(`SELECT pg_advisory_unlock(hashtext($1))`, [MIGRATIONS_LOCK]).catch(() => undefined);
      await lock.release();
    }
  }
}
