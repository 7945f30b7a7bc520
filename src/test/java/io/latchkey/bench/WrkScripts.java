package io.latchkey.bench;

import io.latchkey.testing.LocalCluster;
import java.io.IOException;
import java.nio.file.Path;

/** The wrk Lua scripts the benchmarks and the profiler share, written into a work directory. */
final class WrkScripts {

  private WrkScripts() {}

  /** {@code GET /api/v1/public/ping}: the ceiling route. */
  static Path ping(Path dir) throws IOException {
    return Tools.write(dir, "ping.lua", """
        function request()
          return wrk.format("GET", "/api/v1/public/ping")
        end
        """);
  }

  /** {@code GET /api/v1/user/me} with the tokens of the file given as the script's argument, round-robin. */
  static Path me(Path dir) throws IOException {
    return Tools.write(dir, "me.lua", """
        local tokens = {}
        local i = 0
        function init(args)
          for line in io.lines(args[1]) do tokens[#tokens + 1] = line end
          i = math.random(#tokens)
        end
        function request()
          i = i % #tokens + 1
          return wrk.format("GET", "/api/v1/user/me", { ["Authorization"] = "Bearer " .. tokens[i] })
        end
        """);
  }

  /** {@code POST /api/v1/internal/sessions} for the identities {@code bench-1@example.com} .. {@code bench-<accounts>@…}. */
  static Path create(Path dir, int accounts) throws IOException {
    return Tools.write(dir, "create.lua", """
        wrk.method = "POST"
        wrk.headers["Content-Type"] = "application/json"
        wrk.headers["Authorization"] = "Bearer %s"
        function request()
          local n = math.random(%d)
          return wrk.format(nil, "/api/v1/internal/sessions", nil,
            '{"identity":{"kind":"email","subject":"bench-' .. n .. '@example.com"}}')
        end
        """.formatted(LocalCluster.INTERNAL_KEY, accounts));
  }

  /**
   * {@code GET /api/v1/user/me} with one well-formed token that no session has: after the first request the
   * node's negative cache knows it, so each request crosses to the session verticle and back without a
   * query, and is answered 401; any other answer is printed.
   */
  static Path unknown(Path dir) throws IOException {
    return Tools.write(dir, "unknown.lua", """
        function request()
          return wrk.format("GET", "/api/v1/user/me", { ["Authorization"] = "Bearer lk_" .. string.rep("u", 43) })
        end
        function response(status)
          if status ~= 401 then print("status " .. status) end
        end
        """);
  }

  /**
   * {@code GET /api/v1/user/me} with each seeded cold token once, in order (see {@link DatabaseBound#seed}),
   * after the number given as the script's argument (0 if none); any answer but 200 is printed.
   */
  static Path cold(Path dir) throws IOException {
    return Tools.write(dir, "cold.lua", """
        local n = 0
        function init(args)
          if args[1] then n = tonumber(args[1]) end
        end
        function request()
          n = n + 1
          return wrk.format("GET", "/api/v1/user/me", { ["Authorization"] = "Bearer lk_" .. string.format("%043d", n) })
        end
        function response(status)
          if status ~= 200 then print("status " .. status) end
        end
        """);
  }
}
