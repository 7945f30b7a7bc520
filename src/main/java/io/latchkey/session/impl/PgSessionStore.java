package io.latchkey.session.impl;

import io.latchkey.account.AccountDisabledException;
import io.latchkey.account.AccountNotFoundException;
import io.latchkey.account.Identity;
import io.latchkey.session.CachedSession;
import io.latchkey.session.Revoked;
import io.latchkey.session.SessionRecord;
import io.latchkey.session.SessionStore;
import io.latchkey.session.SessionStore.NewSession;
import io.latchkey.session.TokenHash;
import io.latchkey.db.PgErrors;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.RowStream;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiConsumer;

/** {@link SessionStore} on vertx-pg-client with prepared statements. */
public final class PgSessionStore implements SessionStore {

  private final Pool pool;

  public PgSessionStore(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<Void> ping() {
    return pool.query(SessionQueries.PING).execute().mapEmpty();
  }

  @Override
  public Future<SessionRecord> insert(UUID sessionId, UUID accountId, TokenHash tokenHash, byte[] clientPublicKey,
      String device) {
    Tuple params = Tuple.of(sessionId, accountId, Buffer.buffer(tokenHash.bytes()),
        clientPublicKey == null ? null : Buffer.buffer(clientPublicKey), device);
    return pool.preparedQuery(SessionQueries.INSERT).execute(params)
        .recover(PgErrors.foreignKeyViolationAs(AccountNotFoundException::new))
        .compose(rows -> rows.size() == 1
            ? Future.succeededFuture(toRecord(rows.iterator().next()))
            : pool.preparedQuery(SessionQueries.ACCOUNT_STATUS).execute(Tuple.of(accountId)).map(status -> {
              throw status.size() == 0 ? new AccountNotFoundException() : new AccountDisabledException();
            }));
  }

  @Override
  public Future<SessionRecord> insertForIdentity(UUID sessionId, Identity identity, TokenHash tokenHash,
      byte[] clientPublicKey, String device) {
    Tuple params = Tuple.of(sessionId, identity.kind().wireName(), identity.subject(),
        Buffer.buffer(tokenHash.bytes()), clientPublicKey == null ? null : Buffer.buffer(clientPublicKey), device);
    return pool.preparedQuery(SessionQueries.INSERT_FOR_IDENTITY).execute(params)
        .recover(PgErrors.foreignKeyViolationAs(AccountNotFoundException::new))
        .map(PgSessionStore::single);
  }

  @Override
  public Future<Map<UUID, SessionRecord>> insertAll(List<NewSession> sessions) {
    int n = sessions.size();
    UUID[] ids = new UUID[n];
    UUID[] accounts = new UUID[n];
    String[] kinds = new String[n];
    String[] subjects = new String[n];
    Buffer[] hashes = new Buffer[n];
    Buffer[] keys = new Buffer[n];
    String[] devices = new String[n];
    for (int i = 0; i < n; i++) {
      NewSession s = sessions.get(i);
      ids[i] = s.sessionId();
      accounts[i] = s.accountId();
      kinds[i] = s.identity() == null ? null : s.identity().kind().wireName();
      subjects[i] = s.identity() == null ? null : s.identity().subject();
      hashes[i] = Buffer.buffer(s.tokenHash().bytes());
      keys[i] = s.clientPublicKey() == null ? null : Buffer.buffer(s.clientPublicKey());
      devices[i] = s.device();
    }
    return pool.preparedQuery(SessionQueries.INSERT_ALL)
        .execute(Tuple.of(ids, accounts, kinds, subjects, hashes, keys, devices))
        .map(rows -> {
          Map<UUID, SessionRecord> inserted = new HashMap<>(rows.size() * 2);
          rows.forEach(row -> {
            SessionRecord record = toRecord(row);
            inserted.put(record.sessionId(), record);
          });
          return inserted;
        });
  }

  @Override
  public Future<SessionRecord> findByHash(TokenHash tokenHash) {
    return pool.preparedQuery(SessionQueries.FIND_BY_HASH).execute(Tuple.of(Buffer.buffer(tokenHash.bytes())))
        .map(PgSessionStore::single);
  }

  @Override
  public Future<SessionRecord> findById(UUID sessionId) {
    return pool.preparedQuery(SessionQueries.FIND_BY_ID).execute(Tuple.of(sessionId)).map(PgSessionStore::single);
  }

  @Override
  public Future<Keyed> findKeyedById(UUID sessionId) {
    return pool.preparedQuery(SessionQueries.FIND_KEYED_BY_ID).execute(Tuple.of(sessionId)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      return new Keyed(TokenHash.of(row.getBuffer("token_hash").getBytes()), toRecord(row));
    });
  }

  @Override
  public Future<List<SessionRecord>> listByAccount(UUID accountId, boolean activeOnly) {
    return pool.preparedQuery(SessionQueries.LIST_BY_ACCOUNT).execute(Tuple.of(accountId, activeOnly))
        .map(rows -> {
          List<SessionRecord> list = new ArrayList<>(rows.size());
          rows.forEach(row -> list.add(toRecord(row)));
          return list;
        });
  }

  @Override
  public Future<Revoked> revoke(UUID sessionId, UUID owner, String reason, String by) {
    return pool.preparedQuery(SessionQueries.REVOKE).execute(Tuple.of(sessionId, owner, reason, by))
        .map(rows -> rows.size() == 0 ? null : toRevoked(rows.iterator().next()));
  }

  @Override
  public Future<Revoked> revokeByHash(TokenHash tokenHash, String reason, String by) {
    return pool.preparedQuery(SessionQueries.REVOKE_BY_HASH)
        .execute(Tuple.of(Buffer.buffer(tokenHash.bytes()), reason, by))
        .map(rows -> rows.size() == 0 ? null : toRevoked(rows.iterator().next()));
  }

  @Override
  public Future<List<Revoked>> revokeAll(UUID accountId, UUID keep, String reason, String by) {
    return pool.preparedQuery(SessionQueries.REVOKE_ALL).execute(Tuple.of(accountId, keep, reason, by))
        .map(PgSessionStore::revokedList);
  }

  private static List<Revoked> revokedList(RowSet<Row> rows) {
    List<Revoked> list = new ArrayList<>(rows.size());
    rows.forEach(row -> list.add(toRevoked(row)));
    return list;
  }

  @Override
  public Future<List<Revoked>> disableAccount(UUID accountId, String reason, String by) {
    return pool.withTransaction(conn -> lock(conn, accountId)
        .compose(locked -> conn.preparedQuery(SessionQueries.DISABLE_ACCOUNT).execute(Tuple.of(accountId)))
        .compose(disabled -> conn.preparedQuery(SessionQueries.AUDIT)
            .execute(Tuple.of(by, "account.disabled", accountId, reason)))
        .compose(audited -> conn.preparedQuery(SessionQueries.REVOKE_ALL)
            .execute(Tuple.of(accountId, null, reason, by)))
        .map(PgSessionStore::revokedList));
  }

  @Override
  public Future<List<Revoked>> deleteAccount(UUID accountId, String by) {
    return pool.withTransaction(conn -> lock(conn, accountId)
        .compose(locked -> conn.preparedQuery(SessionQueries.AUDIT).execute(Tuple.of(by, "account.deleted", accountId, null)))
        .compose(audited -> conn.preparedQuery(SessionQueries.DELETION_CAUSE)
            .execute(Tuple.of("account-deleted", by, accountId)))
        .compose(caused -> conn.preparedQuery(SessionQueries.DELETE_SESSIONS_OF_ACCOUNT).execute(Tuple.of(accountId)))
        .compose(deleted -> conn.preparedQuery(SessionQueries.DELETE_IDENTITIES_OF_ACCOUNT).execute(Tuple.of(accountId))
            .compose(identities -> conn.preparedQuery(SessionQueries.DELETE_ACCOUNT).execute(Tuple.of(accountId)))
            .map(account -> {
              List<Revoked> active = new ArrayList<>(deleted.size());
              for (Row row : deleted) {
                if ("active".equals(row.getString("status"))) {
                  active.add(toRevoked(row));
                }
              }
              return active;
            })));
  }

  /** The account's row lock (FOR UPDATE), or AccountNotFoundException. */
  private static Future<Void> lock(SqlConnection conn, UUID accountId) {
    return conn.preparedQuery(SessionQueries.LOCK_ACCOUNT).execute(Tuple.of(accountId)).map(rows -> {
      if (rows.size() == 0) {
        throw new AccountNotFoundException();
      }
      return null;
    });
  }

  @Override
  public Future<Integer> pruneRevocationLog(Duration retention, int limit) {
    return pool.preparedQuery(SessionQueries.PRUNE_REVOCATION_LOG)
        .execute(Tuple.of((double) retention.toSeconds(), limit))
        .map(rows -> rows.iterator().next().getLong("deleted").intValue());
  }

  @Override
  public Future<Integer> touchLastSeen(Map<UUID, Long> seen) {
    UUID[] ids = new UUID[seen.size()];
    OffsetDateTime[] times = new OffsetDateTime[seen.size()];
    int i = 0;
    for (Map.Entry<UUID, Long> e : seen.entrySet()) {
      ids[i] = e.getKey();
      times[i] = OffsetDateTime.ofInstant(Instant.ofEpochMilli(e.getValue()), ZoneOffset.UTC);
      i++;
    }
    return pool.preparedQuery(SessionQueries.TOUCH_LAST_SEEN).execute(Tuple.tuple().addValue(ids).addValue(times))
        .map(RowSet::rowCount);
  }

  @Override
  public Future<List<Revoked>> expire(long maxLifetimeMs, long idleMs, int limit) {
    Tuple params = thresholds(Tuple.tuple(), maxLifetimeMs, idleMs).addValue(limit);
    return pool.preparedQuery(SessionQueries.expire(maxLifetimeMs > 0, idleMs > 0)).execute(params).map(rows -> {
      List<Revoked> list = new ArrayList<>(rows.size());
      rows.forEach(row -> list.add(toRevoked(row)));
      return list;
    });
  }

  @Override
  public Future<ExpiryCheck> expireIfDue(UUID sessionId, long maxLifetimeMs, long idleMs) {
    Tuple params = thresholds(Tuple.of(sessionId), maxLifetimeMs, idleMs);
    return pool.preparedQuery(SessionQueries.expireOne(maxLifetimeMs > 0, idleMs > 0)).execute(params).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      return new ExpiryCheck(row.getString("status"), row.getUUID("session_id") == null ? null : toRevoked(row));
    });
  }

  private static Tuple thresholds(Tuple params, long maxLifetimeMs, long idleMs) {
    if (maxLifetimeMs > 0) {
      params.addLong(maxLifetimeMs);
    }
    if (idleMs > 0) {
      params.addLong(idleMs);
    }
    return params;
  }

  @Override
  public Future<Long> databaseNow() {
    return pool.query(SessionQueries.DATABASE_NOW).execute()
        .map(rows -> rows.iterator().next().getOffsetDateTime("now").toInstant().toEpochMilli());
  }

  @Override
  public Future<RevocationPage> revokedAfter(long afterMs, int limit) {
    OffsetDateTime after = OffsetDateTime.ofInstant(Instant.ofEpochMilli(afterMs), ZoneOffset.UTC);
    return pool.preparedQuery(SessionQueries.REVOKED_AFTER).execute(Tuple.of(after, limit)).map(rows -> {
      List<Revoked> revoked = new ArrayList<>(rows.size());
      long now = 0;
      for (Row row : rows) {
        now = row.getOffsetDateTime("database_now").toInstant().toEpochMilli();
        if (row.getUUID("session_id") != null) {
          revoked.add(toRevoked(row));
        }
      }
      return new RevocationPage(revoked, now);
    });
  }

  @Override
  public Future<Long> streamActive(long limit, int fetchSize, BiConsumer<TokenHash, CachedSession> sink) {
    // a cursor needs a transaction; rows arrive fetchSize at a time, so memory stays flat
    return pool.withTransaction(conn -> conn.prepare(SessionQueries.STREAM_ACTIVE).compose(statement -> {
      Promise<Long> done = Promise.promise();
      long[] count = {0};
      RowStream<Row> stream = statement.createStream(fetchSize, Tuple.of(limit));
      stream.exceptionHandler(done::tryFail);
      stream.endHandler(v -> done.tryComplete(count[0]));
      stream.handler(row -> {
        Buffer key = row.getBuffer("client_public_key");
        sink.accept(TokenHash.of(row.getBuffer("token_hash").getBytes()), new CachedSession(
            row.getUUID("session_id"),
            row.getUUID("account_id"),
            key == null ? null : key.getBytes(),
            row.getOffsetDateTime("created_at").toInstant().toEpochMilli(),
            0L,
            row.getOffsetDateTime("last_used_at").toInstant().toEpochMilli()));
        count[0]++;
      });
      return done.future();
    }));
  }

  private static SessionRecord single(RowSet<Row> rows) {
    return rows.size() == 0 ? null : toRecord(rows.iterator().next());
  }

  private static SessionRecord toRecord(Row row) {
    Buffer key = row.getBuffer("client_public_key");
    return new SessionRecord(
        row.getUUID("session_id"),
        row.getUUID("account_id"),
        key == null ? null : key.getBytes(),
        row.getString("status"),
        row.getString("device"),
        instant(row.getOffsetDateTime("created_at")),
        instant(row.getOffsetDateTime("last_seen_at")),
        instant(row.getOffsetDateTime("revoked_at")));
  }

  private static Revoked toRevoked(Row row) {
    return new Revoked(row.getUUID("session_id"), row.getUUID("account_id"),
        TokenHash.of(row.getBuffer("token_hash").getBytes()),
        row.getOffsetDateTime("revoked_at").toInstant().toEpochMilli());
  }

  private static Instant instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant();
  }
}
