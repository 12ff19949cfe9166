package dev.hotpath.cli;

import picocli.CommandLine;

/**
 * Supplies {@code hotpath --version} from the {@code Implementation-Version} entry of the CLI jar's manifest.
 *
 * <p>Stateless and thread-safe.
 */
final class ManifestVersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"hotpath " + version()};
    }

    /** @return the jar's version, or a marker when running from unpackaged classes (tests, IDE) */
    static String version() {
        String v = HotpathCli.class.getPackage().getImplementationVersion();
        return v != null ? v : "(development build, no jar manifest)";
    }
}
