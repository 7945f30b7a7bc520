package io.latchkey.auth.signature;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;

/**
 * Nonces already used, per session, for as long as a signature carrying them could still be accepted
 * (twice the allowed skew). Shared by the node's HTTP verticles (Caffeine is thread-safe), so a replay on
 * another connection of the same node is caught too.
 *
 * <p>Bounded in entries and so in bytes: an entry keeps no string, only 128 bits of the SHA-256 of
 * (session id, nonce), so it costs the same whatever the nonce's length: 128 bytes with the cache's own
 * bookkeeping, measured on a full cache of a million (the README states the bound). Two different pairs share a key with
 * probability about 2^-128 per pair, and finding such a pair on purpose costs about 2^64 hashes.
 */
public final class ReplayCache {

  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(ReplayCache::sha256);

  private final Cache<Key, Boolean> seen;

  /** The first half of SHA-256(session id, nonce). */
  private record Key(long high, long low) {}

  private ReplayCache(Cache<Key, Boolean> seen) {
    this.seen = seen;
  }

  public static ReplayCache create(Duration maxSkew, long maxEntries) {
    return new ReplayCache(Caffeine.newBuilder()
        .expireAfterWrite(maxSkew.multipliedBy(2).plusSeconds(1))
        .maximumSize(maxEntries)
        .build());
  }

  /** True the first time a session uses a nonce within the window; false for a replay. */
  boolean firstUse(String sessionId, String nonce) {
    return seen.asMap().putIfAbsent(key(sessionId, nonce), Boolean.TRUE) == null;
  }

  private static Key key(String sessionId, String nonce) {
    MessageDigest digest = SHA256.get();
    byte[] session = sessionId.getBytes(StandardCharsets.UTF_8);
    // the session id's length first, so no (session, nonce) pair can be shifted into another
    digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(session.length).array());
    digest.update(session);
    ByteBuffer hash = ByteBuffer.wrap(digest.digest(nonce.getBytes(StandardCharsets.UTF_8)));
    return new Key(hash.getLong(), hash.getLong());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
