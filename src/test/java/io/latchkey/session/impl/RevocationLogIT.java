package io.latchkey.session.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.db.DatabaseTarget;
import io.latchkey.db.Migrations;
import io.latchkey.session.SessionStore;
import io.latchkey.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The revocation log's retention through the store's own prepared statement on a real PostgreSQL, and the
 * invalidation stream's horizon it moves.
 */
class RevocationLogIT {

  @Test
  void pruningDeletesOnlyEntriesPastTheRetentionABatchAtATimeAndMovesTheHorizon() throws Exception {
    DatabaseTarget database = TestPostgres.freshDatabase();
    Migrations.migrate(database, "latchkey");
    try (Connection c = TestPostgres.connect(database); Statement s = c.createStatement()) {
      for (String age : new String[] {"2 hours", "3 hours", "90 minutes", "10 minutes", "0 seconds"}) {
        s.execute("INSERT INTO latchkey.revocation_log (revoked_at, session_id, account_id, token_hash) VALUES "
            + "(clock_timestamp() - interval '" + age + "', '" + UUID.randomUUID() + "', '" + UUID.randomUUID()
            + "', decode(repeat('ab', 32), 'hex'))");
      }
    }
    Vertx vertx = Vertx.vertx();
    Pool pool = PgBuilder.pool().connectingTo(database.connectOptions("latchkey", Duration.ofSeconds(5)))
        .using(vertx).build();
    try {
      SessionStore store = SessionStore.create(pool);

      long oldestKept = TestPostgres.count(database, "SELECT min(seq) FROM revocation_log WHERE revoked_at > now() - interval '1 hour'");
      long newestPruned = TestPostgres.count(database, "SELECT max(seq) FROM revocation_log WHERE revoked_at < now() - interval '1 hour'");

      assertThat(store.pruneRevocationLog(Duration.ofHours(1), 2).await()).isEqualTo(2);
      assertThat(store.pruneRevocationLog(Duration.ofHours(1), 2).await()).isEqualTo(1);
      assertThat(store.pruneRevocationLog(Duration.ofHours(1), 2).await()).isZero();
      assertThat(TestPostgres.count(database, "SELECT count(*) FROM revocation_log")).isEqualTo(2);
      assertThat(TestPostgres.count(database, "SELECT count(*) FROM revocation_log WHERE revoked_at < now() - interval '1 hour'"))
          .isZero();
      // the stream's horizon is the largest position deleted: each entry was written by a transaction of its own,
      // in order, so the seq order is the (xid, seq) order
      assertThat(TestPostgres.count(database, "SELECT seq FROM revocation_horizon")).isEqualTo(newestPruned)
          .isLessThan(oldestKept);
      assertThat(TestPostgres.count(database, "SELECT count(*) FROM revocation_horizon h JOIN revocation_log r "
          + "ON (r.xid, r.seq) <= (h.xid, h.seq)")).as("nothing kept at or below the horizon").isZero();
    } finally {
      vertx.close().await();
    }
  }
}
