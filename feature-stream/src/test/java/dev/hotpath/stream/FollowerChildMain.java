package dev.hotpath.stream;

import dev.hotpath.cache.FeatureView;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A follower process, as {@code hotpath cache follow} runs it ({@link StreamAdmin#follow}): status lines on stdout,
 * SIGTERM stores the positions and exits, SIGKILL is what the crash tests send.
 *
 * <p>Arguments: {@code dir viewDefinition.json bootstrapServers topic [from]}.
 */
public final class FollowerChildMain {
    private FollowerChildMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        FeatureView view = StreamAdmin.resolveView(dir, args[1]);
        FollowerOptions.Builder b = FollowerOptions.builder(args[2], args[3])
                .lagProbeInterval(Duration.ofMillis(100))
                .positionStoreInterval(Duration.ofMillis(20))
                .retryBackoff(Duration.ofMillis(50), Duration.ofSeconds(1))
                .writerOptions(StreamFixtures.WRITER);
        if (args.length > 4) {
            b.startFrom(StartPosition.valueOf(args[4]));
        }
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        System.exit(StreamAdmin.follow(dir, view, b.build(), out, Duration.ofMillis(200)));
    }
}
