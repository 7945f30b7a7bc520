package io.latchkey.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MalformedRequestsTest {

  @Test
  void dotSegmentsBelowTheForwardAuthPrefixAreFound() {
    int from = ForwardedRequest.PREFIX.length();
    for (String path : List.of("/api/v1/user/auth/..", "/api/v1/user/auth/../x", "/api/v1/user/auth/a/./b",
        "/api/v1/user/auth/%2e%2E/public/ping", "/api/v1/user/auth/%2E/")) {
      assertThat(MalformedRequests.hasDotSegment(path, from)).as(path).isTrue();
    }
    for (String path : List.of("/api/v1/user/auth", "/api/v1/user/auth/", "/api/v1/user/auth/a..b/.c/..d",
        "/api/v1/user/auth/%2e%2e%2e", "/api/v1/user/auth/a/b")) {
      assertThat(MalformedRequests.hasDotSegment(path, from)).as(path).isFalse();
    }
  }
}
