package io.latchkey.db;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies the Flyway migrations under {@code db/migration} to the service's own schema. */
public final class Migrations {

  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {}

  /**
   * Creates the schema if needed and migrates it to the newest version. Blocking: call it before the
   * event loops take traffic. A second call on an up-to-date schema applies nothing.
   */
  public static MigrateResult migrate(DatabaseTarget target, String schema) {
    Flyway flyway = Flyway.configure()
        .dataSource(target.jdbcUrl(), target.user(), target.password())
        .schemas(schema)
        .defaultSchema(schema)
        .createSchemas(true)
        .locations("classpath:db/migration")
        .cleanDisabled(true)
        .validateMigrationNaming(true)
        .load();
    MigrateResult result = flyway.migrate();
    LOG.info("Database schema {}: {} migration(s) applied, now at version {}", schema, result.migrationsExecuted,
        result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion);
    return result;
  }
}
